"""Erasure requests: the task staff carry out when a person asks to be forgotten."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.database import utcnow
from portal.extensions import db


class ErasureRequest(db.Model):
    """A person's request to erase their personal data, due one calendar month after it
    was made (UK GDPR Article 12(3))."""

    __tablename__ = "erasure_request"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'done', 'withdrawn')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), index=True
    )
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default="open")
    reason: Mapped[str] = mapped_column(String(1000), default="")
    completed_at: Mapped[datetime | None]
    completed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])
