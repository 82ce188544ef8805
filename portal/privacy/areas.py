"""The requests and learning-centre areas' parts of "download everything" and erasure.

Registered with :mod:`portal.privacy.registry` when :mod:`portal.privacy.services` is
imported, so an export or an erasure always includes them.

**Requests.** A person's requests are the ones they made signed in, and the ones made
without an account from the email address their account now has (they have proved it is
theirs by confirming it). The export holds each request with the timeline the customer sees
(internal staff notes are never included, as on the request page) and the files they can
download; the erasure keeps what the charter's statistics need (kind, channel, promise,
dates, status, whether the promise was met, the rating) and removes everything that says who
they are or what they wrote: name, email, phone, subject, message, form details, the
private link's hash, the words of every event, and attachments with their files.

**Learning centres.** A centre contact's personal data there is the contact details typed
into an application (head of centre, quality contact) under their own email address, and
what they uploaded or recorded. Learners' names belong to the learners, not the contact, so
are never exported here.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, event, func, or_, select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.approvals.models import CentreApplication, CentreDocument
from portal.certificates.models import Completion
from portal.extensions import db
from portal.privacy.registry import ExportPart, register_eraser, register_exporter
from portal.requests import files
from portal.requests.models import Attachment, RequestEvent, ServiceRequest
from portal.security.uploads import download_name

ERASED_NAME = "Erased person"


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def requests_of(user: User) -> list[ServiceRequest]:
    """Every request that is ``user``'s personal data, oldest first."""
    return list(
        db.session.scalars(
            select(ServiceRequest)
            .where(
                or_(
                    ServiceRequest.requester_id == user.id,
                    (ServiceRequest.requester_id.is_(None))
                    & (ServiceRequest.requester_email == user.email.lower()),
                )
            )
            .order_by(ServiceRequest.id)
        )
    )


def _named_in(email: str):
    """Applications naming ``email`` as a contact (compared without case)."""
    return select(CentreApplication).where(
        or_(
            func.lower(CentreApplication.head_email) == email,
            func.lower(CentreApplication.quality_email) == email,
        )
    ).order_by(CentreApplication.id)


def _customer_files(request: ServiceRequest) -> list[Attachment]:
    return [a for a in request.attachments if a.event is None or not a.event.is_internal]


@register_exporter("requests")
def export_requests(user: User) -> ExportPart:
    rows, parts = [], []
    for r in requests_of(user):
        attachments = []
        for a in _customer_files(r):
            # The stored name is random; the zip gets the person's own (made safe) name.
            inside = f"requests/{r.reference}/{a.id}-{download_name(a.original_name, '')}"
            path = files.path_of(a.stored_name)
            if path.is_file():
                parts.append((inside, path))
            attachments.append(
                {"name": a.original_name, "type": a.content_type, "size": a.size,
                 "sent_at": _iso(a.created_at), "file_in_this_zip": f"files/{inside}"
                 if path.is_file() else None}
            )
        rows.append(
            {
                "reference": r.reference,
                "kind": r.kind_label,
                "channel": r.channel,
                "organisation": r.organisation.name if r.organisation else None,
                "your_name": r.requester_name,
                "your_email": r.requester_email,
                "your_phone": r.requester_phone,
                "subject": r.subject,
                "message": r.body,
                "details": r.details,
                "received_at": _iso(r.received_at),
                "reply_due_by": _iso(r.response_due_at),
                "status": r.status_label,
                "resolved_at": _iso(r.resolved_at),
                "closed_at": _iso(r.closed_at),
                "your_rating": r.satisfaction_rating,
                "your_rating_comment": r.satisfaction_comment,
                "timeline": [
                    {"at": _iso(e.created_at), "what": e.kind, "by": e.author_name,
                     "message": e.body}
                    for e in r.customer_events
                ],
                "files": attachments,
            }
        )
    return ExportPart(rows=rows, files=parts)


# Files of erased attachments go only once the erasure has committed; a rollback keeps them.
_DOOMED = "privacy_files_to_remove"


@event.listens_for(Session, "after_commit")
def _remove_erased_files(session: Session) -> None:
    for path in session.info.pop(_DOOMED, []):
        Path(path).unlink(missing_ok=True)


@event.listens_for(Session, "after_soft_rollback")
def _keep_files_after_rollback(session: Session, _previous) -> None:
    session.info.pop(_DOOMED, None)


@register_eraser("requests")
def erase_requests(user: User) -> None:
    """Anonymise ``user``'s requests, keeping their statistics (see the module's docstring)."""
    for r in requests_of(user):
        for a in list(r.attachments):
            db.session.info.setdefault(_DOOMED, []).append(str(files.path_of(a.stored_name)))
        db.session.execute(delete(Attachment).where(Attachment.request_id == r.id))
        r.requester_name = ERASED_NAME
        r.requester_email = f"erased-{user.id}@erased.invalid"
        r.requester_phone = ""
        r.subject = "Erased"
        r.body = ""
        r.details = {}
        r.satisfaction_comment = ""
        r.private_token_hash = None
        r.submission_key = None
        r.clock_start_reason = None
        for e in db.session.scalars(select(RequestEvent).where(RequestEvent.request_id == r.id)):
            e.body = ""
            if e.is_from_customer or e.actor_id == user.id:
                e.author_name = ERASED_NAME
        db.session.expire(r, ["attachments"])
    db.session.flush()


# -- learning centres ----------------------------------------------------------------------------

_CONTACTS = (("head", "head of centre"), ("quality", "quality contact"))


@register_exporter("centres")
def export_centres(user: User) -> ExportPart:
    email = user.email.lower()
    contacts = []
    for application in db.session.scalars(_named_in(email)):
        for prefix, role in _CONTACTS:
            if (getattr(application, f"{prefix}_email") or "").lower() == email:
                contacts.append(
                    {"application": application.id, "as": role,
                     "name": getattr(application, f"{prefix}_name"),
                     "email": getattr(application, f"{prefix}_email"),
                     "phone": getattr(application, f"{prefix}_phone")}
                )
    started = db.session.scalars(
        select(CentreApplication).where(CentreApplication.created_by_id == user.id)
    )
    documents = db.session.scalars(
        select(CentreDocument).where(CentreDocument.uploaded_by_id == user.id)
    )
    recorded = db.session.scalar(
        select(func.count(Completion.id)).where(Completion.recorded_by_id == user.id)
    )
    if not contacts and user.role != "centre":
        return ExportPart(rows=None)
    return ExportPart(
        rows={
            "named_as_contact": contacts,
            "applications_you_started": [
                {"application": a.id, "status": a.status, "started_at": _iso(a.created_at),
                 "sent_at": _iso(a.received_at)}
                for a in started
            ],
            "documents_you_uploaded": [
                {"title": d.title, "name": d.original_name, "uploaded_at": _iso(d.uploaded_at)}
                for d in documents
            ],
            "learner_results_you_recorded": recorded or 0,
        }
    )


@register_eraser("centres")
def erase_centres(user: User) -> None:
    """Remove ``user``'s own contact details from applications; the centre's records stay."""
    email = user.email.lower()
    for application in db.session.scalars(_named_in(email)):
        for prefix, _role in _CONTACTS:
            if (getattr(application, f"{prefix}_email") or "").lower() == email:
                setattr(application, f"{prefix}_name", ERASED_NAME)
                setattr(application, f"{prefix}_email", "")
                setattr(application, f"{prefix}_phone", "")
    db.session.flush()
