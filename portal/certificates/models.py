"""Learners' certificates: each completion a centre records, and the certificate that
follows it (CHARTER.md section 4, certificate). The due date is stored with the case when
its clock starts, so a date once shown never moves by itself (section 5)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Organisation
from portal.approvals.models import Qualification
from portal.database import in_values, utcnow
from portal.extensions import db


class CertificateStatus(StrEnum):
    #: The centre recorded the completion; we have not checked it yet.
    RECORDED = "recorded"
    #: We could not accept the completion (the reason is kept).
    REJECTED = "rejected"
    #: We verified it and signed it off: the certificate clock runs (CHARTER §4).
    SIGNED_OFF = "signed_off"
    PRINTED = "printed"
    DISPATCHED = "dispatched"
    RETURNED = "returned"


CERTIFICATE_STATUS_LABELS = {
    CertificateStatus.RECORDED: "Waiting for our check",
    CertificateStatus.REJECTED: "Not accepted",
    CertificateStatus.SIGNED_OFF: "Signed off: certificate being prepared",
    CertificateStatus.PRINTED: "Printed: ready to post",
    CertificateStatus.DISPATCHED: "Posted",
    CertificateStatus.RETURNED: "Returned to us undelivered",
}

#: States in which the certificate is still ours to send: these can be overdue.
AWAITING_DISPATCH = (CertificateStatus.SIGNED_OFF.value, CertificateStatus.PRINTED.value)
#: The tracker's filter for both of them ("being prepared", the dashboard's figure).
PREPARING = "preparing"



class Completion(db.Model):
    """A learner's completion recorded by a centre, and the certificate that follows it.

    One row per learner and qualification: the tracker reads a single table, which keeps a
    20,000-learner centre's pages fast (docs/PERFORMANCE.md). The natural key below makes a
    repeated upload harmless.
    """

    __tablename__ = "completion"
    __table_args__ = (
        UniqueConstraint(
            "organisation_id",
            "learner_ref",
            "qualification_id",
            "completed_on",
            name="uq_completion_natural_key",
        ),
        CheckConstraint(f"status IN ({in_values(CertificateStatus)})", name="status"),
        # A completion is only recorded once assessment is fully signed off (CHARTER §4).
        CheckConstraint("assessment_signed_off", name="assessment_signed_off"),
        CheckConstraint(
            "status IN ('recorded', 'rejected') OR "
            "(signed_off_at IS NOT NULL AND dispatch_due_at IS NOT NULL)",
            name="signed_off_has_clock",
        ),
        # The centre's tracker: newest first, optionally by status or qualification.
        Index("ix_completion_org_id", "organisation_id", "id"),
        Index("ix_completion_org_status_id", "organisation_id", "status", "id"),
        Index("ix_completion_org_qualification_id", "organisation_id", "qualification_id", "id"),
        # Staff queues across centres.
        Index("ix_completion_status_id", "status", "id"),
        Index("ix_completion_status_dispatch_due_at", "status", "dispatch_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    qualification_id: Mapped[int] = mapped_column(
        ForeignKey("qualification.id", ondelete="RESTRICT")
    )
    learner_name: Mapped[str] = mapped_column(String(120))
    #: The learner's email (lower case) or the centre's identifier for them (upper case).
    learner_ref: Mapped[str] = mapped_column(String(254))
    completed_on: Mapped[date]
    assessment_signed_off: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(String(20), default=CertificateStatus.RECORDED.value)
    source: Mapped[str] = mapped_column(String(10), default="form")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    rejected_reason: Mapped[str] = mapped_column(Text, default="")

    # The certificate clock (CHARTER §4): from sign-off, stored with its policy version.
    signed_off_at: Mapped[datetime | None]
    signed_off_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    dispatch_due_at: Mapped[datetime | None]
    policy_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("policy_version.id", ondelete="RESTRICT")
    )
    certificate_number: Mapped[str | None] = mapped_column(String(20), unique=True)

    printed_at: Mapped[datetime | None]
    dispatched_at: Mapped[datetime | None]
    postage_class: Mapped[str | None] = mapped_column(String(30))
    tracking_reference: Mapped[str] = mapped_column(String(60), default="")
    # The expected arrival window, worked out once at dispatch and kept (CHARTER §4, §5).
    arrival_from: Mapped[date | None]
    arrival_to: Mapped[date | None]
    returned_at: Mapped[datetime | None]
    return_note: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship()
    qualification: Mapped[Qualification] = relationship()

    @property
    def status_label(self) -> str:
        return CERTIFICATE_STATUS_LABELS[CertificateStatus(self.status)]

    def is_overdue(self, now: datetime) -> bool:
        return (
            self.status in AWAITING_DISPATCH
            and self.dispatch_due_at is not None
            and self.dispatch_due_at < now
        )

    def __repr__(self) -> str:
        return f"<Completion {self.id} {self.status}>"
