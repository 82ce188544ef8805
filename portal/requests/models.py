"""Every contact a customer makes, its timeline and its files (CHARTER.md sections 2 to 6).

One table holds every kind of request (queries, complaints, call-backs, feedback, membership
applications and upgrades now; employer and centre kinds later), so the staff queue, the
charter report and the customer's pages read one shape. Kind-specific answers live in
``details`` (JSON); everything the charter computes or reports on is a real column.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Organisation, User
from portal.database import in_values, utcnow
from portal.extensions import db


class Kind(StrEnum):
    QUERY = "query"
    COMPLAINT = "complaint"
    CALLBACK = "callback"
    FEEDBACK = "feedback"
    APPLICATION = "membership-application"
    UPGRADE = "membership-upgrade"
    EMPLOYER_SUPPORT = "employer-support"
    CENTRE_SUPPORT = "centre-support"
    REPRINT = "certificate-reprint"
    #: A centre's amendment to a record or correction of a certificate (issue 20).
    AMENDMENT = "certificate-amendment"
    #: A centre's appeal against a decision, or a result it disputes (issue 20).
    APPEAL = "centre-appeal"


#: Reference prefix of each kind: Q-2026-000123.
PREFIXES = {
    Kind.QUERY: "Q",
    Kind.COMPLAINT: "C",
    Kind.CALLBACK: "B",
    Kind.FEEDBACK: "F",
    Kind.APPLICATION: "A",
    Kind.UPGRADE: "U",
    Kind.EMPLOYER_SUPPORT: "E",
    Kind.CENTRE_SUPPORT: "S",
    Kind.REPRINT: "R",
    Kind.AMENDMENT: "M",
    Kind.APPEAL: "P",
}

#: The charter promise each kind is made under (CHARTER.md section 4). Kinds and promise
#: codes mostly share names; the mapping keeps them free to differ. A reprint is a
#: certificate to issue again, so it runs on the certificate promise from the request.
PROMISE_OF_KIND = {kind: kind.value for kind in Kind} | {
    Kind.REPRINT: "certificate",
    Kind.AMENDMENT: "amendment",
    Kind.APPEAL: "appeal",
}

#: Kinds whose resolution is promised from the start, not proposed later (CHARTER.md
#: section 9: an appeal is decided within 20 working days of receipt).
RESOLUTION_PROMISE_OF_KIND = {Kind.APPEAL: "appeal-decision"}

KIND_LABELS = {
    Kind.QUERY: "Question",
    Kind.COMPLAINT: "Complaint",
    Kind.CALLBACK: "Call back request",
    Kind.FEEDBACK: "Feedback",
    Kind.APPLICATION: "Membership application",
    Kind.UPGRADE: "Membership upgrade",
    Kind.EMPLOYER_SUPPORT: "Support request",
    Kind.CENTRE_SUPPORT: "Centre support request",
    Kind.REPRINT: "Certificate reprint request",
    Kind.AMENDMENT: "Amendment or correction",
    Kind.APPEAL: "Appeal",
}


class Channel(StrEnum):
    WEB = "web"
    EMAIL = "email"
    PHONE = "phone"
    LETTER = "letter"
    SOCIAL = "social"


class Status(StrEnum):
    RECEIVED = "received"
    WITH_TEAM = "with_team"
    WAITING_CUSTOMER = "waiting_customer"
    ANSWERED = "answered"
    RESOLVED = "resolved"
    CLOSED = "closed"


#: The words a customer reads for each status (CHARTER.md section 6).
STATUS_LABELS = {
    Status.RECEIVED: "Received",
    Status.WITH_TEAM: "With our team",
    Status.WAITING_CUSTOMER: "Waiting for your reply",
    Status.ANSWERED: "Answered",
    Status.RESOLVED: "Resolved",
    Status.CLOSED: "Closed",
}

OPEN_STATUSES = (Status.RECEIVED, Status.WITH_TEAM, Status.WAITING_CUSTOMER, Status.ANSWERED)


class ResolutionState(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DISCUSS = "discuss"


class EventKind(StrEnum):
    SUBMITTED = "submitted"
    CUSTOMER_REPLY = "customer_reply"
    STAFF_REPLY = "staff_reply"
    INTERNAL_NOTE = "internal_note"
    STATUS_CHANGED = "status_changed"
    ASSIGNED = "assigned"
    RESOLUTION_PROPOSED = "resolution_proposed"
    RESOLUTION_ACCEPTED = "resolution_accepted"
    RESOLUTION_DISCUSS = "resolution_discuss"
    REDATED = "redated"
    PAUSED = "paused"
    RESUMED = "resumed"
    CALLBACK_RECORDED = "callback_recorded"
    RESOLVED = "resolved"
    CLOSED = "closed"
    RATED = "rated"


class ServiceRequest(db.Model):
    """One request from one customer, with the promise made when its clock started.

    The due instants are stored, never recomputed on display: a promise once shown does not
    move by itself (CHARTER.md section 5). ``version`` goes up on every change, so pages
    can tell cheaply whether anything happened since they last looked.
    """

    __tablename__ = "service_request"
    __table_args__ = (
        CheckConstraint(f"kind IN ({in_values(Kind)})", name="kind"),
        CheckConstraint(f"channel IN ({in_values(Channel)})", name="channel"),
        CheckConstraint(f"status IN ({in_values(Status)})", name="status"),
        CheckConstraint(
            f"resolution_state IS NULL OR resolution_state IN ({in_values(ResolutionState)})",
            name="resolution_state",
        ),
        CheckConstraint(
            "satisfaction_rating IS NULL OR satisfaction_rating BETWEEN 1 AND 5",
            name="satisfaction_rating",
        ),
        # Double-submit protection: a form's one-off key can make one request per requester.
        UniqueConstraint("requester_email", "submission_key"),
        Index("ix_service_request_status_response_due_at", "status", "response_due_at"),
        # The charter report selects by when promises fell due (CHARTER.md section 7).
        Index("ix_service_request_response_due_at", "response_due_at"),
        # ... or were met in, if earlier (CHARTER.md section 9; issue #16).
        # The staff queue reads open requests in (next_due_at, id) order and pages by keyset;
        # open requests are a small share of all of them, so the index holds only those.
        Index(
            "ix_service_request_queue",
            "next_due_at",
            "id",
            postgresql_where=text(f"status IN ({in_values(OPEN_STATUSES)})"),
            sqlite_where=text(f"status IN ({in_values(OPEN_STATUSES)})"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Set straight after the insert, from the id (see services.submit_request).
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    promise_code: Mapped[str] = mapped_column(String(30))
    policy_version_id: Mapped[int] = mapped_column(
        ForeignKey("policy_version.id", ondelete="RESTRICT")
    )
    channel: Mapped[str] = mapped_column(String(10), default=Channel.WEB.value)

    requester_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    requester_name: Mapped[str] = mapped_column(String(120))
    requester_email: Mapped[str] = mapped_column(String(254))
    requester_phone: Mapped[str] = mapped_column(String(40), default="")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )

    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    received_at: Mapped[datetime]
    clock_started_at: Mapped[datetime]
    clock_start_reason: Mapped[str | None] = mapped_column(String(400))
    response_due_at: Mapped[datetime]
    first_reply_at: Mapped[datetime | None]
    # Office time (seconds) from the clock starting to the first reply, stored when the reply
    # is recorded so the charter report can take medians in SQL (CHARTER.md section 7).
    first_reply_office_seconds: Mapped[int | None]
    # When the charter promise was met (first reply, call made or decision given).
    promise_met_at: Mapped[datetime | None] = mapped_column(index=True)
    resolution_due_at: Mapped[datetime | None]
    resolution_state: Mapped[str | None] = mapped_column(String(10))
    next_update_due_at: Mapped[datetime | None]
    waiting_since: Mapped[datetime | None]
    #: What falls due next for staff: the promise until it is met, then the resolution date
    #: or the next update; None while nothing is due (paused, or answered with no date).
    #: Kept by :func:`portal.requests.promises.next_due` on every flush; the queue orders by it.
    next_due_at: Mapped[datetime | None]

    status: Mapped[str] = mapped_column(String(20), default=Status.RECEIVED.value)
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    resolved_first_time: Mapped[bool | None]
    satisfaction_rating: Mapped[int | None]
    satisfaction_comment: Mapped[str] = mapped_column(Text, default="")

    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    private_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    submission_key: Mapped[str | None] = mapped_column(String(64))

    requester: Mapped[User | None] = relationship(foreign_keys=[requester_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    organisation: Mapped[Organisation | None] = relationship()
    events: Mapped[list[RequestEvent]] = relationship(
        back_populates="request",
        order_by="RequestEvent.id",
        cascade="all, delete-orphan",
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="request",
        order_by="Attachment.id",
        cascade="all, delete-orphan",
    )
    #: Set when this request was merged into another as a duplicate (issue #16).
    merge: Mapped[RequestMerge | None] = relationship(
        foreign_keys="RequestMerge.duplicate_id", uselist=False, viewonly=True
    )

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[Status(self.status)]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[Kind(self.kind)]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_waiting_for_customer(self) -> bool:
        return self.status == Status.WAITING_CUSTOMER

    @property
    def customer_events(self) -> list[RequestEvent]:
        """The timeline a customer may see: internal notes never appear."""
        return [e for e in self.events if not e.is_internal]

    def __repr__(self) -> str:
        return f"<ServiceRequest {self.reference} {self.kind} {self.status}>"


class RequestEvent(db.Model):
    """One entry in a request's timeline: a message either way, or a change."""

    __tablename__ = "request_event"
    __table_args__ = (CheckConstraint(f"kind IN ({in_values(EventKind)})", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_request.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(120), default="")
    kind: Mapped[str] = mapped_column(String(30))
    body: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    # Internal notes and assignments: staff only, never on a customer's page or email.
    is_internal: Mapped[bool] = mapped_column(default=False)

    request: Mapped[ServiceRequest] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="event", order_by="Attachment.id"
    )

    @property
    def is_from_customer(self) -> bool:
        return self.kind in (EventKind.SUBMITTED, EventKind.CUSTOMER_REPLY)


class Attachment(db.Model):
    """A file a customer (or staff) attached, stored outside ``static/`` under a random name."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_request.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("request_event.id", ondelete="SET NULL"), index=True
    )
    original_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[ServiceRequest] = relationship(back_populates="attachments")
    event: Mapped[RequestEvent | None] = relationship(back_populates="attachments")


class RequestMerge(db.Model):
    """A duplicate folded into another request (issue #16). The duplicate's timeline moves
    to the one kept; this row keeps the duplicate's reference leading there, so the
    customer's links and emails about it still work."""

    __tablename__ = "request_merge"

    duplicate_id: Mapped[int] = mapped_column(
        ForeignKey("service_request.id", ondelete="CASCADE"), primary_key=True
    )
    merged_into_id: Mapped[int] = mapped_column(
        ForeignKey("service_request.id", ondelete="CASCADE"), index=True
    )
    merged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    merged_at: Mapped[datetime] = mapped_column(default=utcnow)

    merged_into: Mapped[ServiceRequest] = relationship(foreign_keys=[merged_into_id])
