"""Service notices and their updates. A notice's history is its updates: nothing said to the
public is edited away; a change of end time or wording is an update, dated."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import in_values, utcnow
from portal.extensions import db


class NoticeKind(StrEnum):
    MAINTENANCE = "maintenance"
    OUTAGE = "outage"
    POSTAL = "postal"
    CLOSURE = "closure"
    OTHER = "other"


KIND_LABELS = {
    NoticeKind.MAINTENANCE: "Planned maintenance",
    NoticeKind.OUTAGE: "Service problem",
    NoticeKind.POSTAL: "Postal disruption",
    NoticeKind.CLOSURE: "Office closure",
    NoticeKind.OTHER: "Service notice",
}


class ServiceNotice(db.Model):
    """One notice: from ``starts_at`` to ``ends_at`` (open-ended while None), the promises it
    affects (codes) and the expected effect in words."""

    __tablename__ = "service_notice"
    __table_args__ = (
        CheckConstraint(f"kind IN ({in_values(NoticeKind)})", name="kind"),
        CheckConstraint("ends_at IS NULL OR ends_at > starts_at", name="ends_after_start"),
        Index("ix_service_notice_ends_at_starts_at", "ends_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(120))
    effect: Mapped[str] = mapped_column(Text)
    promises: Mapped[list] = mapped_column(JSON, default=list)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    #: The day the office is closed, when the notice closes it (added to the calendar).
    closure_day: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    updates: Mapped[list[NoticeUpdate]] = relationship(
        back_populates="notice", order_by="NoticeUpdate.id", cascade="all, delete-orphan"
    )

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[NoticeKind(self.kind)]

    def is_active(self, now: datetime) -> bool:
        return self.starts_at <= now and (self.ends_at is None or self.ends_at > now)


class NoticeUpdate(db.Model):
    """A dated update to a notice, shown in its public history."""

    __tablename__ = "notice_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(
        ForeignKey("service_notice.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    made_at: Mapped[datetime] = mapped_column(default=utcnow)
    made_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    notice: Mapped[ServiceNotice] = relationship(back_populates="updates")
