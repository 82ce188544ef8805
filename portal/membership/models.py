"""Proof of membership: the private links an employer uses to check a member is current."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Membership
from portal.database import utcnow
from portal.extensions import db


def new_check_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits: not guessable, not enumerable


class MembershipCheck(db.Model):
    """A verification link printed on a certificate or card (as a QR code). The token is
    kept as it is, because a certificate made later must carry the same link; it reveals
    only whether the membership is current. The member can revoke it (a new one is made)."""

    __tablename__ = "membership_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), index=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_check_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    membership: Mapped[Membership] = relationship()


class EmailChange(db.Model):
    """A member's request to use a new email address. The address changes only when the
    link sent to it is opened (proving it is theirs); only the token's SHA-256 is kept."""

    __tablename__ = "email_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    new_email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
