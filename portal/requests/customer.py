"""What a customer does on their request's page: reply, answer a proposed date, rate us
(CHARTER.md section 5). Members, organisation contacts and visitors with a private link all
come here through :mod:`portal.requests.pages`."""

from __future__ import annotations

from collections.abc import Iterable

from portal.accounts.models import User
from portal.database import utcnow
from portal.extensions import db
from portal.requests import files
from portal.requests.errors import RequestError
from portal.requests.followup import reopen_or_follow_on
from portal.requests.models import (
    EventKind,
    RequestEvent,
    ResolutionState,
    ServiceRequest,
    Status,
)
from portal.requests.promises import resume_clock
from portal.requests.timeline import attach_uploads, check_open, record_event


def customer_reply(
    request: ServiceRequest,
    body: str,
    author: User | None = None,
    uploads: Iterable[files.Upload] = (),
) -> RequestEvent:
    """The customer adds a message (and files) to their request (CHARTER.md section 5).

    A reply while we wait for the customer resumes the clock: the resolution date moves on by
    the office time spent waiting. A reply to an answered request, or to a resolved or
    closed one inside the reopen window, puts it back with the team; after the window it
    starts a new case linked to this one, whose first event is returned (issue #16).
    """
    now = utcnow()
    if request.status in (Status.RESOLVED, Status.CLOSED):
        # Inside the reopen window the case reopens; after it, a new linked case starts.
        follow_on = reopen_or_follow_on(request, body, author, now)
        if follow_on is not None:
            first = follow_on.events[0]
            attach_uploads(follow_on, first, uploads, author)
            db.session.flush()
            return first
    check_open(request)
    if request.status == Status.WAITING_CUSTOMER:
        resume_clock(request, now, actor=author, author_name=request.requester_name)
    event = record_event(
        request, EventKind.CUSTOMER_REPLY, author, body=body.strip(), now=now,
        author_name=request.requester_name,
    )
    db.session.flush()
    attach_uploads(request, event, uploads, author)
    if request.status != Status.WITH_TEAM:
        previous = request.status
        request.status = Status.WITH_TEAM.value
        if previous == Status.RESOLVED:
            request.resolved_at = None
    db.session.flush()
    return event


def accept_resolution_date(request: ServiceRequest, author: User | None = None) -> RequestEvent:
    """The customer agrees the proposed resolution date (CHARTER.md section 5)."""
    check_open(request)
    if request.resolution_due_at is None or request.resolution_state != ResolutionState.PROPOSED:
        raise RequestError("There is no proposed date to accept.")
    request.resolution_state = ResolutionState.ACCEPTED.value
    event = record_event(
        request, EventKind.RESOLUTION_ACCEPTED, author, author_name=request.requester_name,
        resolution_due_at=request.resolution_due_at.isoformat(),
    )
    db.session.flush()
    return event


def ask_to_discuss(request: ServiceRequest, body: str = "", author: User | None = None
                   ) -> RequestEvent:
    """The customer asks to discuss the proposed resolution date (CHARTER.md section 5)."""
    check_open(request)
    if request.resolution_due_at is None or request.resolution_state != ResolutionState.PROPOSED:
        raise RequestError("There is no proposed date to discuss.")
    request.resolution_state = ResolutionState.DISCUSS.value
    if request.status != Status.WITH_TEAM:
        request.status = Status.WITH_TEAM.value
    event = record_event(
        request, EventKind.RESOLUTION_DISCUSS, author, body=body.strip(),
        author_name=request.requester_name,
        resolution_due_at=request.resolution_due_at.isoformat(),
    )
    db.session.flush()
    return event


def rate_service(request: ServiceRequest, rating: int, comment: str = "",
                 author: User | None = None) -> RequestEvent:
    """The customer rates how we handled a resolved request, once (1 to 5, and a comment)."""
    if request.status not in (Status.RESOLVED, Status.CLOSED) or request.resolved_at is None:
        raise RequestError("You can rate our service once your request is resolved.")
    if request.satisfaction_rating is not None:
        raise RequestError("You have already rated this request. Thank you.")
    if rating not in range(1, 6):
        raise RequestError("Choose a rating from 1 to 5.")
    request.satisfaction_rating = rating
    request.satisfaction_comment = comment.strip()
    event = record_event(
        request, EventKind.RATED, author, body=comment.strip(),
        author_name=request.requester_name, rating=rating,
    )
    db.session.flush()
    return event

