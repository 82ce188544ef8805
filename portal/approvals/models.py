"""Learning centre approval: the qualification catalogue, applications, their documents
and events (CHARTER.md section 4, centre-approval)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Organisation, User
from portal.database import in_values, utcnow
from portal.extensions import db


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    #: Staff asked the centre for more information; the clock is paused (CHARTER §5).
    MORE_INFO = "more_info"
    APPROVED = "approved"
    DECLINED = "declined"


#: What the applicant reads for each status.
APPLICATION_STATUS_LABELS = {
    ApplicationStatus.DRAFT: "Draft: not sent yet",
    ApplicationStatus.SUBMITTED: "With our team",
    ApplicationStatus.MORE_INFO: "Waiting for your reply",
    ApplicationStatus.APPROVED: "Approved",
    ApplicationStatus.DECLINED: "Declined",
}



class Qualification(db.Model):
    """One qualification in the catalogue centres can apply to deliver."""

    __tablename__ = "qualification"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    level: Mapped[int]
    is_active: Mapped[bool] = mapped_column(default=True)

    @property
    def label(self) -> str:
        return f"{self.title} (Level {self.level}, {self.code})"


application_qualification = Table(
    "centre_application_qualification",
    db.metadata,
    Column(
        "application_id",
        # Explicit names: the conventional ones pass PostgreSQL's 63-character limit.
        ForeignKey("centre_application.id", ondelete="CASCADE", name="fk_centre_app_qual_app"),
        primary_key=True,
    ),
    Column(
        "qualification_id",
        ForeignKey("qualification.id", ondelete="RESTRICT", name="fk_centre_app_qual_qual"),
        primary_key=True,
    ),
)

#: The qualifications an approved centre may record completions for.
centre_qualification = Table(
    "centre_qualification",
    db.metadata,
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "qualification_id", ForeignKey("qualification.id", ondelete="RESTRICT"), primary_key=True
    ),
    # Who signs off this centre's claims for this qualification (CHARTER §9): "external", our
    # quality assurer checks each claim; "direct", the centre's own sign-off counts.
    Column("sign_off_route", String(10), nullable=False, server_default="external"),
    CheckConstraint("sign_off_route IN ('external', 'direct')", name="sign_off_route"),
)


class CentreApplication(db.Model):
    """A learning organisation's application to become an approved centre (CHARTER §4)."""

    __tablename__ = "centre_application"
    __table_args__ = (
        CheckConstraint(f"status IN ({in_values(ApplicationStatus)})", name="status"),
        CheckConstraint(
            "status = 'draft' OR (received_at IS NOT NULL AND due_at IS NOT NULL)",
            name="submitted_has_clock",
        ),
        Index("ix_centre_application_status_due_at", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=ApplicationStatus.DRAFT.value)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Step 1: the organisation.
    legal_name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    registration_number: Mapped[str] = mapped_column(String(40), default="")

    # Step 2: contacts.
    head_name: Mapped[str] = mapped_column(String(120), default="")
    head_email: Mapped[str] = mapped_column(String(254), default="")
    head_phone: Mapped[str] = mapped_column(String(40), default="")
    quality_name: Mapped[str] = mapped_column(String(120), default="")
    quality_email: Mapped[str] = mapped_column(String(254), default="")
    quality_phone: Mapped[str] = mapped_column(String(40), default="")

    # Step 4: quality assurance.
    qa_lead_name: Mapped[str] = mapped_column(String(120), default="")
    assessor_count: Mapped[int | None]
    internal_qa: Mapped[str] = mapped_column(Text, default="")
    standardisation: Mapped[str] = mapped_column(Text, default="")

    # The centre-approval clock (CHARTER §2 and §5), set when a complete application arrives.
    received_at: Mapped[datetime | None]
    clock_started_at: Mapped[datetime | None]
    clock_start_reason: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[datetime | None]
    policy_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("policy_version.id", ondelete="RESTRICT")
    )
    #: Set while we wait for the centre's reply; the due date moves on when they answer.
    paused_at: Mapped[datetime | None]

    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    decision_reasons: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    qualifications: Mapped[list[Qualification]] = relationship(
        secondary=application_qualification, order_by=Qualification.code
    )
    documents: Mapped[list[CentreDocument]] = relationship(
        back_populates="application",
        order_by="CentreDocument.id",
        cascade="all, delete-orphan",
    )
    events: Mapped[list[ApplicationEvent]] = relationship(
        back_populates="application",
        order_by="ApplicationEvent.id",
        cascade="all, delete-orphan",
    )

    @property
    def reference(self) -> str:
        return f"CA-{self.id:05d}"

    @property
    def status_label(self) -> str:
        return APPLICATION_STATUS_LABELS[ApplicationStatus(self.status)]

    @property
    def is_editable(self) -> bool:
        """The centre may change its answers in a draft, and while we wait for its reply."""
        return self.status in (ApplicationStatus.DRAFT, ApplicationStatus.MORE_INFO)

    @property
    def is_open(self) -> bool:
        return self.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.MORE_INFO)

    def __repr__(self) -> str:
        return f"<CentreApplication {self.id} {self.status}>"


class CentreDocument(db.Model):
    """A supporting document, stored on disk under a random name (never the uploaded one)."""

    __tablename__ = "centre_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Kept on the row itself so every download checks ownership with one comparison.
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int] = mapped_column(
        ForeignKey("centre_application.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    application: Mapped[CentreApplication] = relationship(back_populates="documents")


class ApplicationEvent(db.Model):
    """One entry in an application's timeline, seen by the centre and by staff."""

    __tablename__ = "centre_application_event"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('submitted', 'info_requested', 'info_provided', 'approved', 'declined')",
            name="kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("centre_application.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    application: Mapped[CentreApplication] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


