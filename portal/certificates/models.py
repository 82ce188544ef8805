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

class ClaimKind(StrEnum):
    #: The whole qualification.
    FULL = "full"
    #: Some units only (a partial claim, certified as a unit certificate).
    UNIT = "unit"


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

    # The claim (issue 20): the learner's registration it closes, full or unit, and when our
    # check of it is due (CHARTER §9, claim-check), stored with its policy version.
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("learner_registration.id", ondelete="SET NULL"), index=True
    )
    claim_kind: Mapped[str] = mapped_column(
        String(10), default=ClaimKind.FULL.value, server_default=ClaimKind.FULL.value
    )
    units: Mapped[str] = mapped_column(String(500), default="", server_default="")
    check_due_at: Mapped[datetime | None]
    check_policy_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("policy_version.id", ondelete="RESTRICT")
    )

    organisation: Mapped[Organisation] = relationship()
    qualification: Mapped[Qualification] = relationship()

    @property
    def status_label(self) -> str:
        return CERTIFICATE_STATUS_LABELS[CertificateStatus(self.status)]

    @property
    def claim_label(self) -> str:
        if self.claim_kind == ClaimKind.UNIT.value:
            return f"Unit certificate ({self.units})" if self.units else "Unit certificate"
        return "Full certificate"

    def check_is_overdue(self, now: datetime) -> bool:
        """Our check of the claim is late (CHARTER §9: said plainly as missed)."""
        return (
            self.status == CertificateStatus.RECORDED.value
            and self.check_due_at is not None
            and self.check_due_at < now
        )

    def is_overdue(self, now: datetime) -> bool:
        return (
            self.status in AWAITING_DISPATCH
            and self.dispatch_due_at is not None
            and self.dispatch_due_at < now
        )

    def __repr__(self) -> str:
        return f"<Completion {self.id} {self.status}>"


class Registration(db.Model):
    """A learner registered on a qualification when they start (issue 20). One per learner
    and qualification at a centre: the natural key makes a repeated upload harmless. The
    learner's page follows it to its claims and certificates."""

    __tablename__ = "learner_registration"
    __table_args__ = (
        UniqueConstraint(
            "organisation_id", "learner_ref", "qualification_id",
            name="uq_learner_registration_natural_key",
        ),
        # The centre's learner list: newest first, by keyset, with or without a qualification.
        Index("ix_learner_registration_org_id", "organisation_id", "id"),
        Index("ix_learner_registration_org_qualification_id",
              "organisation_id", "qualification_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    qualification_id: Mapped[int] = mapped_column(
        ForeignKey("qualification.id", ondelete="RESTRICT")
    )
    learner_name: Mapped[str] = mapped_column(String(120))
    learner_ref: Mapped[str] = mapped_column(String(254))
    started_on: Mapped[date]
    source: Mapped[str] = mapped_column(String(10), default="form")
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    registered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    organisation: Mapped[Organisation] = relationship()
    qualification: Mapped[Qualification] = relationship()
    claims: Mapped[list[Completion]] = relationship(
        order_by="Completion.id", foreign_keys="Completion.registration_id"
    )


class UploadReport(db.Model):
    """What became of one uploaded file: the counts, and the rejected rows as CSV with a
    reason column, for the centre to download, fix and upload again."""

    __tablename__ = "upload_report"
    __table_args__ = (
        CheckConstraint("kind IN ('registrations', 'completions')", name="kind"),
        Index("ix_upload_report_org_id", "organisation_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    rows: Mapped[int] = mapped_column(default=0)
    accepted: Mapped[int] = mapped_column(default=0)
    already_recorded: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    rejects_csv: Mapped[str] = mapped_column(Text, default="")


class CertificateCode(db.Model):
    """The verification code printed on an e-certificate. A reprint or correction issues a
    new code and marks this one superseded, so checking it says so (issue 20)."""

    __tablename__ = "certificate_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    completion_id: Mapped[int] = mapped_column(
        ForeignKey("completion.id", ondelete="CASCADE"), index=True
    )
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    learner_name: Mapped[str] = mapped_column(String(120))
    superseded_at: Mapped[datetime | None]
    superseded_reason: Mapped[str] = mapped_column(String(200), default="")

    completion: Mapped[Completion] = relationship()

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None
