"""Tables the staff console owns."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.database import in_values, utcnow
from portal.extensions import db
from portal.requests.models import Kind, ServiceRequest


class ReusableReply(db.Model):
    """A reply staff start from for a kind of request; they edit it before sending."""

    __tablename__ = "reusable_reply"
    __table_args__ = (CheckConstraint(f"kind IN ({in_values(Kind)})", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ReusableReply {self.id} {self.kind} {self.title!r}>"


class StaffProfile(db.Model):
    """How a staff member works the console: their default team, and whether they lead it
    (team leads get escalations after the assignee; issue #16)."""

    __tablename__ = "staff_profile"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    team: Mapped[str | None] = mapped_column(String(20), index=True)
    is_team_lead: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship()


class SavedView(db.Model):
    """A named shortcut to a queue or search address, for one person (issue #16)."""

    __tablename__ = "saved_view"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    #: The path and query string, always one of the console's own (checked on save).
    address: Mapped[str] = mapped_column(String(600))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffAlert(db.Model):
    """An escalation before a breach, shown in the console (issue #16): one per request,
    due instant, threshold and person, so no one is alerted twice about the same promise."""

    __tablename__ = "staff_alert"
    __table_args__ = (UniqueConstraint("request_id", "due_at", "threshold_minutes", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_request.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime]
    threshold_minutes: Mapped[int]
    #: "assignee" or "team-lead": why this person was told.
    reason: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime | None]

    request: Mapped[ServiceRequest] = relationship()
    user: Mapped[User] = relationship()
