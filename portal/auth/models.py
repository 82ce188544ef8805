"""Single-use tokens sent by email (address verification, password reset)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.database import utcnow
from portal.extensions import db


class AuthToken(db.Model):
    """A token emailed to a user. Only its SHA-256 is kept, so a database leak reveals none."""

    __tablename__ = "auth_token"
    __table_args__ = (CheckConstraint("purpose IN ('verify', 'reset')", name="purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class UserSession(db.Model):
    """One signed-in browser. The cookie holds a random key; only its SHA-256 is kept here.

    The server decides whether a session is still good (idle and absolute limits, ended by
    sign-out, "sign out everywhere", a password change or an administrator), so a copied
    cookie stops working when the row says so (ASVS V7.2, V7.3, V7.4).
    """

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    # Minutes without a request after which the session ends; None for "keep me signed in".
    idle_minutes: Mapped[int | None]
    is_remembered: Mapped[bool] = mapped_column(default=False)
    used_second_factor: Mapped[bool] = mapped_column(default=False)
    ip_address: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str] = mapped_column(String(40), default="")

    user: Mapped[User] = relationship()


class TwoFactor(db.Model):
    """A user's authenticator-app (TOTP) secret. ``confirmed_at`` is set once a code from the
    app has been accepted; until then the secret is only offered for enrolment."""

    __tablename__ = "two_factor"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    # The 30-second time step of the last code accepted: a code works once (ASVS V6.5.1).
    last_step: Mapped[int | None]

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    """A single-use recovery code for when the authenticator app is lost, kept as an
    argon2id hash because it has less than 112 bits of entropy (ASVS V6.5.2)."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]
