"""The requests area's part of "download everything" and erasure (docs/SECURITY.md V14),
registered with :mod:`portal.privacy.registry` on import; :mod:`portal.privacy.services`
imports this module, so an export or an erasure always includes it.

A person's requests are the ones they made signed in, and the ones made without an account
from the email address their account now has (they have proved it is theirs by confirming
it). The export holds each request with the timeline the customer sees (internal staff notes
are never included, as on the request page) and the files they can download; the erasure
keeps what the charter's statistics need (kind, channel, promise, dates, status, whether the
promise was met, the rating) and removes everything that says who they are or what they
wrote: name, email, phone, subject, message, form details, the private link's hash, the words
of every event, and attachments with their files.
"""

from __future__ import annotations

from sqlalchemy import delete, or_, select

from portal import stored_files
from portal.accounts.models import User
from portal.extensions import db
from portal.privacy.registry import ERASED_NAME, ExportPart, iso, register_eraser, register_exporter
from portal.requests import files
from portal.requests.models import Attachment, RequestEvent, ServiceRequest
from portal.security.uploads import download_name, extension_for


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


def _customer_files(request: ServiceRequest) -> list[Attachment]:
    return [a for a in request.attachments if a.event is None or not a.event.is_internal]


@register_exporter("requests")
def export_requests(user: User) -> ExportPart:
    """Each of ``user``'s requests as the customer sees it, with their files (V14)."""
    rows, parts = [], []
    for r in requests_of(user):
        attachments = []
        for a in _customer_files(r):
            # The stored name is random; the zip gets the person's own (made safe) name.
            # It keeps its extension, so it opens with the right program.
            name = download_name(a.original_name, extension_for(a.content_type, a.original_name))
            inside = f"requests/{r.reference}/{a.id}-{name}"
            path = files.path_of(a.stored_name)
            if path.is_file():
                parts.append((inside, path))
            attachments.append(
                {"name": a.original_name, "type": a.content_type, "size": a.size,
                 "sent_at": iso(a.created_at), "file_in_this_zip": f"files/{inside}"
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
                "received_at": iso(r.received_at),
                "reply_due_by": iso(r.response_due_at),
                "status": r.status_label,
                "resolved_at": iso(r.resolved_at),
                "closed_at": iso(r.closed_at),
                "your_rating": r.satisfaction_rating,
                "your_rating_comment": r.satisfaction_comment,
                "timeline": [
                    {"at": iso(e.created_at), "what": e.kind, "by": e.author_name,
                     "message": e.body}
                    for e in r.customer_events
                ],
                "files": attachments,
            }
        )
    return ExportPart(rows=rows, files=parts)


@register_eraser("requests")
def erase_requests(user: User) -> None:
    """Anonymise ``user``'s requests, keeping their statistics (see the module's docstring)."""
    for r in requests_of(user):
        for a in list(r.attachments):
            # The file goes once the erasure has committed; a rollback keeps it.
            stored_files.remove_after_commit(db.session(), files.path_of(a.stored_name))
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
