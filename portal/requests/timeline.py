"""Writing a request's timeline: each change is an event, audited, versioned, and (when the
customer should know) emailed to them (CHARTER.md section 6).

Every module that changes a request writes through :func:`record_event`, so the version
live pages compare, the audit trail (issue #8) and the customer's email are kept the same
way whoever made the change. Nothing here commits.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from datetime import datetime

from flask import current_app
from sqlalchemy import update

from portal.accounts.models import User
from portal.audit.services import record_request_change
from portal.database import utcnow
from portal.extensions import db
from portal.notify.services import on_message_failed, queue_email
from portal.requests import files
from portal.requests.errors import RequestError, StaleRequest
from portal.requests.models import Attachment, EventKind, RequestEvent, ServiceRequest, Status
from portal.urls import external_url


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def private_token_for(request: ServiceRequest) -> str:
    """A visitor's private-link token: 192 bits, unguessable without the app's secret.

    It is derived (HMAC of the request's id and reference under ``SECRET_KEY``) rather than
    random so every later email can carry the same link; only its SHA-256 is stored, so
    the database alone never reveals a working link.
    """
    key = current_app.config["SECRET_KEY"].encode()
    message = f"private-link:{request.id}:{request.reference}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()[:24]
    return base64.urlsafe_b64encode(digest).decode()


def customer_link(request: ServiceRequest) -> str:
    """Where the customer reads this request: their account, or the private link."""
    if request.requester_id is not None:
        return external_url("member.request_detail", reference=request.reference)
    return external_url("visitor.private_detail", token=private_token_for(request))


def _touch(request: ServiceRequest, now: datetime) -> None:
    # Every change bumps the version: live pages compare it, and the staff console will
    # use it to refuse edits made against a stale copy.
    request.version = (request.version or 0) + 1
    request.updated_at = now


def record_event(
    request: ServiceRequest,
    kind: EventKind,
    actor: User | None,
    body: str = "",
    now: datetime | None = None,
    is_internal: bool = False,
    author_name: str | None = None,
    **data,
) -> RequestEvent:
    """Add ``kind`` to the request's timeline, bump its version and audit the change.

    ``data`` is kept with the event (the dates a change moved, the status it left)."""
    now = now or utcnow()
    event = RequestEvent(
        request=request,
        kind=kind.value,
        actor=actor,
        author_name=author_name if author_name is not None else (actor.full_name if actor else ""),
        body=body,
        data=data,
        is_internal=is_internal,
        created_at=now,
    )
    db.session.add(event)
    _touch(request, now)
    # Every change to a request passes here, so this one call audits them all (issue #8).
    record_request_change(request, event)
    return event


def attach_uploads(
    request: ServiceRequest, event: RequestEvent, uploads: Iterable[files.Upload], by: User | None
) -> None:
    """Store each file with the event it came with; a rollback removes the files again."""
    for upload in uploads:
        stored = files.write_file(db.session, upload)
        db.session.add(
            Attachment(
                request=request,
                event=event,
                original_name=upload.original_name,
                stored_name=stored,
                content_type=upload.content_type,
                size=upload.size,
                sha256=upload.sha256,
                uploaded_by_id=by.id if by else None,
            )
        )


def email_customer(request: ServiceRequest, event: RequestEvent, subject: str, template: str,
                   **context) -> None:
    """Queue the customer's email about ``event``, with the link to where they read it.

    Keyed by the event, so the email is queued once and sent only if the change commits."""
    queue_email(
        f"request:{request.id}:{event.kind}:{event.id}",
        request.requester_email,
        f"{subject} ({request.reference})",
        template,
        request_id=request.id,
        request=request,
        event=event,
        link=customer_link(request),
        **context,
    )


def claim_version(request: ServiceRequest, seen_version: int | None) -> None:
    """Refuse a change made against an out-of-date copy of ``request`` (issue #5).

    ``seen_version`` is the version the person's form was rendered with. One conditional
    UPDATE both checks and bumps it, atomically: of two people who loaded the same version,
    the second to save waits for the first's row lock (PostgreSQL) or write lock (SQLite),
    then matches no row and gets :class:`StaleRequest`. Call it before the change, in the
    same transaction; a rollback undoes the bump with the rest.
    """
    if seen_version is None:
        raise StaleRequest(request, seen_version)
    claimed = db.session.execute(
        update(ServiceRequest)
        .where(ServiceRequest.id == request.id, ServiceRequest.version == seen_version)
        .values(version=ServiceRequest.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(request)
    if claimed != 1:
        raise StaleRequest(request, seen_version)


def check_open(request: ServiceRequest) -> None:
    """A closed request takes no more changes (its private link is read-only, issue #4)."""
    if request.status == Status.CLOSED:
        raise RequestError("This request is closed, so it cannot be changed.")


def require_text(body: str, what: str = "a message") -> str:
    body = (body or "").strip()
    if not body:
        raise RequestError(f"Enter {what}.")
    return body


def add_system_note(request: ServiceRequest, body: str) -> RequestEvent:
    """A note for staff written by the portal itself (an inbound email's set-aside file,
    a failed email); customers never see it."""
    event = record_event(request, EventKind.INTERNAL_NOTE, None,
                         body=require_text(body, "a note"), is_internal=True,
                         author_name="Member Services Portal")
    db.session.flush()
    return event


@on_message_failed
def _note_undelivered(message) -> None:
    """An email about a request that could not be delivered becomes a note for staff, so
    they know to reach the customer another way (issue #7)."""
    if message.request_id is None:
        return
    request = db.session.get(ServiceRequest, message.request_id)
    if request is not None:
        add_system_note(
            request,
            f"We could not deliver the email “{message.subject}” to {message.to_address}: "
            f"{message.last_error or 'the mail server refused it'}",
        )
