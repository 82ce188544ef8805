"""Staff handling a request from the console (CHARTER.md sections 4 to 6): replies, notes,
status, waiting for the customer, resolution dates, resolving, closing, call backs and
assignment. Before any of them the console calls
:func:`portal.requests.timeline.claim_version` with the version the person's form was
rendered with, so two people cannot overwrite each other's change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from portal.accounts.models import User
from portal.database import utcnow
from portal.extensions import db
from portal.notify.status import queue_satisfaction_request
from portal.requests import files
from portal.requests.errors import RequestError
from portal.requests.models import (
    EventKind,
    Kind,
    RequestEvent,
    ResolutionState,
    ServiceRequest,
    Status,
)
from portal.requests.promises import (
    meet_promise,
    next_update_due,
    not_a_working_day,
    promise_of,
    record_first_reply,
    resolution_instant,
    resume_clock,
)
from portal.requests.timeline import (
    attach_uploads,
    check_open,
    customer_link,
    email_customer,
    record_event,
    require_text,
)
from portal.settings.services import get_calendar


def staff_reply(
    request: ServiceRequest,
    staff: User,
    body: str,
    resolution_date: date | None = None,
    resolves: bool = False,
    uploads: Iterable[files.Upload] = (),
) -> RequestEvent:
    """A reply the customer sees (CHARTER.md sections 4 and 5).

    The first one sets ``first_reply_at`` and meets a first-reply promise; a complaint's
    first reply must carry a resolution date unless it resolves the complaint there and
    then. ``resolves`` marks the case resolved (first time, if this is the first reply).
    A ``resolution_date`` is proposed to the customer, who can accept or discuss it.
    """
    check_open(request)
    body = require_text(body, "your reply")
    now = utcnow()
    is_first = request.first_reply_at is None
    if (
        request.promise_met_at is None
        and request.kind == Kind.COMPLAINT
        and resolution_date is None
        and not resolves
        and request.resolution_due_at is None
    ):
        raise RequestError(
            "A first reply to a complaint must give a date for putting things right."
        )
    if request.status == Status.WAITING_CUSTOMER:
        resume_clock(request, now, actor=staff)
    event = record_event(request, EventKind.STAFF_REPLY, staff, body=body, now=now)
    db.session.flush()
    attach_uploads(request, event, uploads, staff)
    if is_first:
        record_first_reply(request, now)
    if promise_of(request).first_reply:
        meet_promise(request, now)
    if request.resolution_due_at is not None and resolution_date is None:
        request.next_update_due_at = next_update_due(now)
    if resolution_date is not None:
        _propose(request, staff, resolution_date, now, announce=False)
    if resolves:
        _resolve(request, staff, now, first_time=is_first)
    elif request.status != Status.RESOLVED:
        request.status = Status.ANSWERED.value
    db.session.flush()
    email_customer(request, event, "We have replied to you", "request_update")
    return event


def add_internal_note(request: ServiceRequest, staff: User, body: str) -> RequestEvent:
    """A note for colleagues; customers never see it (CHARTER.md section 6)."""
    event = record_event(
        request, EventKind.INTERNAL_NOTE, staff, body=require_text(body, "a note"),
        is_internal=True,
    )
    db.session.flush()
    return event


def set_status(request: ServiceRequest, staff: User, status: Status | str) -> RequestEvent:
    """Move a request to "Received", "With our team" or "Answered".

    Waiting, resolving and closing have rules of their own: use :func:`wait_for_customer`,
    :func:`resolve` and :func:`close`.
    """
    check_open(request)
    status = Status(status)
    if status not in (Status.RECEIVED, Status.WITH_TEAM, Status.ANSWERED):
        raise RequestError("Use the waiting, resolve or close actions for that status.")
    if (status == Status.ANSWERED and request.kind == Kind.COMPLAINT
            and request.resolution_due_at is None):
        # CHARTER.md section 5: a complaint is not responded to until it has a date.
        raise RequestError(
            "A complaint cannot be marked as answered without a date for putting things "
            "right. Reply with a resolution date first."
        )
    now = utcnow()
    if request.status == Status.WAITING_CUSTOMER:
        resume_clock(request, now, actor=staff)
    previous = request.status
    request.status = status.value
    event = record_event(request, EventKind.STATUS_CHANGED, staff, now=now,
                         previous=previous, status=status.value)
    db.session.flush()
    return event


def wait_for_customer(request: ServiceRequest, staff: User, body: str) -> RequestEvent:
    """Ask the customer for something and pause the resolution date (CHARTER.md section 5).

    The first-reply promise does not pause; asking is itself a reply the customer sees.
    """
    check_open(request)
    body = require_text(body, "what you need from the customer")
    if request.status == Status.WAITING_CUSTOMER:
        raise RequestError("We are already waiting for the customer.")
    now = utcnow()
    event = record_event(request, EventKind.PAUSED, staff, body=body, now=now)
    request.status = Status.WAITING_CUSTOMER.value
    request.waiting_since = now
    if request.first_reply_at is None:
        record_first_reply(request, now)
        if promise_of(request).first_reply and request.kind != Kind.COMPLAINT:
            meet_promise(request, now)
    db.session.flush()
    email_customer(request, event, "We need something from you", "request_update")
    return event


def resume(request: ServiceRequest, staff: User) -> RequestEvent:
    """Staff stop waiting for the customer (for example, they answered by phone)."""
    check_open(request)
    if request.status != Status.WAITING_CUSTOMER:
        raise RequestError("This request is not waiting for the customer.")
    event = resume_clock(request, utcnow(), actor=staff)
    db.session.flush()
    return event


def _propose(request: ServiceRequest, staff: User, day: date, now: datetime,
             announce: bool = True, kind: EventKind = EventKind.RESOLUTION_PROPOSED,
             reason: str = "") -> RequestEvent:
    if day < get_calendar().to_london(now).date():
        raise RequestError("The resolution date cannot be in the past.")
    refusal = not_a_working_day(day)
    if refusal:
        raise RequestError(refusal)
    previous = request.resolution_due_at
    request.resolution_due_at = resolution_instant(day)
    request.resolution_state = ResolutionState.PROPOSED.value
    request.next_update_due_at = next_update_due(now)
    event = record_event(
        request, kind, staff, body=reason, now=now,
        resolution_due_at=request.resolution_due_at.isoformat(),
        previous=previous.isoformat() if previous else None,
    )
    if announce:
        db.session.flush()
        subject = ("We have changed the date for your request" if kind == EventKind.REDATED
                   else "We have proposed a date for your request")
        email_customer(request, event, subject, "request_update")
    return event


def propose_resolution_date(request: ServiceRequest, staff: User, day: date) -> RequestEvent:
    """Propose when the case will be resolved; the customer accepts or asks to discuss
    (CHARTER.md section 5). Updates fall due every few working days from now on."""
    check_open(request)
    event = _propose(request, staff, day, utcnow())
    db.session.flush()
    return event


def redate(request: ServiceRequest, staff: User, day: date, reason: str) -> RequestEvent:
    """Move an open case's resolution date, with a reason the customer is told
    (CHARTER.md section 5: a promise never moves by itself, only like this)."""
    check_open(request)
    reason = require_text(reason, "the reason for the new date")
    if request.resolution_due_at is None:
        raise RequestError("There is no resolution date to change; propose one instead.")
    event = _propose(request, staff, day, utcnow(), kind=EventKind.REDATED, reason=reason)
    db.session.flush()
    return event


def _resolve(request: ServiceRequest, staff: User, now: datetime, first_time: bool
             ) -> RequestEvent:
    if request.status == Status.WAITING_CUSTOMER:
        resume_clock(request, now, actor=staff)
    request.status = Status.RESOLVED.value
    request.resolved_at = now
    request.next_update_due_at = None
    if request.resolved_first_time is None:
        request.resolved_first_time = first_time
    # Applications and upgrades are met by the decision, which resolving confirms.
    meet_promise(request, now)
    record_first_reply(request, now)
    if request.satisfaction_rating is None:
        # One invitation per request to rate us; the rating itself needs the page's button.
        queue_satisfaction_request(
            to=request.requester_email,
            first_name=request.requester_name.split(" ", 1)[0],
            request_id=request.id,
            reference=request.reference,
            link=customer_link(request),
        )
    return record_event(request, EventKind.RESOLVED, staff, now=now, first_time=first_time)


def resolve(request: ServiceRequest, staff: User, body: str = "") -> RequestEvent | None:
    """Mark the case resolved (CHARTER.md section 5). With ``body`` this is a reply that
    resolves; a first reply that resolves counts as resolved first time."""
    check_open(request)
    if request.status == Status.RESOLVED:
        raise RequestError("This request is already resolved.")
    if body.strip():
        return staff_reply(request, staff, body, resolves=True)
    now = utcnow()
    event = _resolve(request, staff, now, first_time=False)
    db.session.flush()
    email_customer(request, event, "Your request is resolved", "request_update")
    return event


def close(request: ServiceRequest, staff: User | None) -> RequestEvent:
    """Close the request. A visitor's private link works for 90 days more (issue #4)."""
    check_open(request)
    now = utcnow()
    if request.status == Status.WAITING_CUSTOMER:
        resume_clock(request, now, actor=staff)
    if request.resolved_at is None:
        request.resolved_at = now
        if request.resolved_first_time is None:
            request.resolved_first_time = False
    request.status = Status.CLOSED.value
    request.closed_at = now
    request.next_update_due_at = None
    event = record_event(request, EventKind.CLOSED, staff, now=now)
    db.session.flush()
    return event


CALLBACK_OUTCOMES = {"spoke": "We spoke to you", "message": "We left you a message"}


def record_callback(request: ServiceRequest, staff: User, outcome: str, note: str = ""
                    ) -> RequestEvent:
    """Record a call back: spoke to the customer or left a message (CHARTER.md section 4:
    this is what meets the call-back promise)."""
    check_open(request)
    if outcome not in CALLBACK_OUTCOMES:
        raise RequestError("Say whether you spoke to them or left a message.")
    now = utcnow()
    event = record_event(request, EventKind.CALLBACK_RECORDED, staff, body=note.strip(),
                         now=now, outcome=outcome)
    record_first_reply(request, now)
    meet_promise(request, now)
    if request.status in (Status.RECEIVED, Status.WITH_TEAM):
        request.status = Status.ANSWERED.value
    db.session.flush()
    return event


def assign(request: ServiceRequest, staff: User, assignee: User | None) -> RequestEvent:
    """Give the request to a colleague (or nobody); a new request moves to "With our team"."""
    if assignee is not None and assignee.role not in ("staff", "admin"):
        raise RequestError("Requests can only be assigned to staff.")
    request.assignee = assignee
    event = record_event(
        request, EventKind.ASSIGNED, staff, is_internal=True,
        assignee_id=assignee.id if assignee else None,
        assignee_name=assignee.full_name if assignee else "",
    )
    if request.status == Status.RECEIVED and assignee is not None:
        request.status = Status.WITH_TEAM.value
    db.session.flush()
    return event
