"""Quality visits to learning centres and the actions they leave (issue 20; CHARTER.md:
we work with centres on quality). Each action has a due date; the centre marks it done with
its evidence and staff accept it or return it. An action past its date and not accepted is
overdue, and both sides see that."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Organisation
from portal.charter import LONDON
from portal.database import in_values, utcnow
from portal.extensions import db


class VisitOutcome(StrEnum):
    SATISFACTORY = "satisfactory"
    ACTIONS = "actions"
    UNSATISFACTORY = "unsatisfactory"


OUTCOME_LABELS = {
    VisitOutcome.SATISFACTORY: "Satisfactory",
    VisitOutcome.ACTIONS: "Satisfactory with actions",
    VisitOutcome.UNSATISFACTORY: "Not satisfactory: actions required",
}


class ActionStatus(StrEnum):
    OPEN = "open"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


ACTION_STATUS_LABELS = {
    ActionStatus.OPEN: "To do",
    ActionStatus.SUBMITTED: "Done: waiting for our review",
    ActionStatus.ACCEPTED: "Accepted",
    ActionStatus.RETURNED: "Returned: more needed",
}


class QualityVisit(db.Model):
    __tablename__ = "quality_visit"
    __table_args__ = (
        CheckConstraint(f"outcome IN ({in_values(VisitOutcome)})", name="outcome"),
        Index("ix_quality_visit_org_visited_on", "organisation_id", "visited_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    visited_on: Mapped[date]
    assessor_name: Mapped[str] = mapped_column(String(120))
    outcome: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    organisation: Mapped[Organisation] = relationship()
    actions: Mapped[list[QualityAction]] = relationship(
        back_populates="visit", order_by="QualityAction.id", cascade="all, delete-orphan"
    )

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[VisitOutcome(self.outcome)]


class QualityAction(db.Model):
    __tablename__ = "quality_action"
    __table_args__ = (
        CheckConstraint(f"status IN ({in_values(ActionStatus)})", name="status"),
        Index("ix_quality_action_org_status", "organisation_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        ForeignKey("quality_visit.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    description: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.OPEN.value)
    evidence: Mapped[str] = mapped_column(Text, default="")
    evidence_at: Mapped[datetime | None]
    evidence_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    staff_note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    visit: Mapped[QualityVisit] = relationship(back_populates="actions")

    @property
    def status_label(self) -> str:
        return ACTION_STATUS_LABELS[ActionStatus(self.status)]

    @property
    def due_at(self) -> datetime:
        """5pm London on the due date (CHARTER §9: dates staff set are working days)."""
        return datetime.combine(self.due_on, time(17, 0), LONDON)

    def is_overdue(self, now: datetime) -> bool:
        """Still the centre's to do (or returned to it) after its date."""
        return self.status in (ActionStatus.OPEN, ActionStatus.RETURNED) and self.due_at < now
