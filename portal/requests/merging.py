"""Merging duplicates (issue #16): three "CPD record not saving" questions from the same
person become one case with all three timelines.

The case kept takes every event and file of the others, and the earliest promise among
them (the customer was promised that date first; a promise once shown does not move,
CHARTER.md section 5). Each duplicate is closed and remembered as merged, so the
customer's links and emails about it lead to the case kept; the report counts one promise,
not three.
"""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.database import utcnow
from portal.extensions import db
from portal.requests.errors import RequestError
from portal.requests.models import (
    Attachment,
    EventKind,
    RequestEvent,
    RequestMerge,
    ServiceRequest,
    Status,
)
from portal.requests.timeline import check_open, email_customer, record_event

#: The promise's instants that move together when the earliest promise is kept.
_PROMISE_FIELDS = ("received_at", "clock_started_at", "clock_start_reason", "response_due_at",
                   "promise_code", "policy_version_id", "first_reply_at",
                   "first_reply_office_seconds", "promise_met_at")


def same_customer(a: ServiceRequest, b: ServiceRequest) -> bool:
    if a.requester_id is not None or b.requester_id is not None:
        return a.requester_id == b.requester_id
    return a.requester_email.lower() == b.requester_email.lower()


def merge_into(keep: ServiceRequest, duplicates: list[ServiceRequest], staff: User
               ) -> RequestEvent:
    """Fold ``duplicates`` into ``keep``: timelines and files move, the earliest promise is
    kept, each duplicate is closed and leads to ``keep`` from now on."""
    check_open(keep)
    duplicates = [d for d in dict.fromkeys(duplicates) if d.id != keep.id]
    if not duplicates:
        raise RequestError("Choose at least one other request to merge into this one.")
    for dup in duplicates:
        if not same_customer(keep, dup):
            raise RequestError(f"{dup.reference} is from another customer, so it cannot be "
                               "merged into this one.")
        if dup.merge is not None:
            raise RequestError(f"{dup.reference} has already been merged.")
        if dup.kind != keep.kind:
            raise RequestError(f"{dup.reference} is a different kind of request; only the same "
                               "kind can be merged.")
    now = utcnow()
    earliest = min([keep, *duplicates], key=lambda r: (r.response_due_at, r.id))
    if earliest is not keep:
        for name in _PROMISE_FIELDS:
            setattr(keep, name, getattr(earliest, name))
    for dup in duplicates:
        _move_history(dup, keep)
        dup.status = Status.CLOSED.value
        dup.closed_at = dup.closed_at or now
        dup.resolved_at = dup.resolved_at or now
        dup.next_update_due_at = None
        db.session.add(RequestMerge(duplicate_id=dup.id, merged_into_id=keep.id,
                                    merged_by_id=staff.id, merged_at=now))
    references = [d.reference for d in duplicates]
    event = record_event(keep, EventKind.STATUS_CHANGED, staff, now=now,
                         status=keep.status, merged_from=references)
    db.session.flush()
    db.session.expire(keep, ["events", "attachments"])
    email_customer(keep, event, "We have joined your requests together", "request_update")
    return event


def _move_history(dup: ServiceRequest, keep: ServiceRequest) -> None:
    db.session.flush()
    for event in db.session.scalars(select(RequestEvent).where(RequestEvent.request_id == dup.id)):
        event.request_id = keep.id
        event.data = {**(event.data or {}), "from_reference": dup.reference}
    for attachment in db.session.scalars(select(Attachment).where(
            Attachment.request_id == dup.id)):
        attachment.request_id = keep.id
    db.session.flush()
    db.session.expire(dup, ["events", "attachments"])


def merged_into(request: ServiceRequest) -> ServiceRequest | None:
    """The case a merged duplicate leads to (following a chain), or None."""
    seen = set()
    current = request
    while current.id not in seen:
        seen.add(current.id)
        link = current.merge
        if link is None:
            return None if current is request else current
        current = link.merged_into
    return current
