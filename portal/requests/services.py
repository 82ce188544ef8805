"""Making a request, and the area's one entry point (CHARTER.md sections 2 to 6).

``submit_request`` records a new request and makes its promise; ``submit_once`` is what a
web form calls, so the same form sent twice makes one request. Everything else that
changes a request lives by concern and is importable from here, so callers outside the
area need one name, ``portal.requests.services``:

* :mod:`~portal.requests.handling`: what staff do in the console (replies, notes, status,
  dates, resolving, closing, call backs, assignment);
* :mod:`~portal.requests.customer`: what the customer does (reply, answer a date, rate);
* :mod:`~portal.requests.promises`: when a request falls due and how its dates move;
* :mod:`~portal.requests.timeline`: events, versions, the customer's emails and links;
* :mod:`~portal.requests.queries`: the customers' lists of requests.

Every function takes model objects and plain values, enforces the charter's rules, writes
the timeline entry, queues the customer's email and flushes; the request (or the job)
commits once. A :class:`RequestError` carries a message fit to show the person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import Organisation, User
from portal.charter import clock_start, due_at, format_london
from portal.charter.wording import promise_sentence
from portal.database import utcnow
from portal.extensions import db
from portal.notify.services import queue_email
from portal.requests import files
from portal.requests.customer import (
    accept_resolution_date,
    ask_to_discuss,
    customer_reply,
    rate_service,
)
from portal.requests.errors import RequestError, StaleRequest
from portal.requests.handling import (
    add_internal_note,
    assign,
    close,
    propose_resolution_date,
    record_callback,
    redate,
    resolve,
    resume,
    set_status,
    staff_reply,
    wait_for_customer,
)
from portal.requests.models import (
    KIND_LABELS,
    PREFIXES,
    PROMISE_OF_KIND,
    RESOLUTION_PROMISE_OF_KIND,
    Channel,
    EventKind,
    Kind,
    ServiceRequest,
    Status,
)
from portal.requests.promises import next_due, promise_of
from portal.requests.queries import (
    open_requests_for,
    organisation_requests,
    recently_closed_for,
)
from portal.requests.timeline import (
    add_system_note,
    attach_uploads,
    claim_version,
    customer_link,
    email_customer,
    hash_token,
    private_token_for,
    record_event,
)
from portal.settings.services import current_policy, get_calendar, promises_for
from portal.urls import external_url

__all__ = [
    "DUPLICATE_WINDOW",
    "PRIVATE_LINK_DAYS_AFTER_CLOSE",
    "RequestError",
    "StaleRequest",
    "Submission",
    "accept_resolution_date",
    "add_internal_note",
    "add_system_note",
    "alert_assignee",
    "ask_to_discuss",
    "assign",
    "claim_version",
    "close",
    "customer_link",
    "customer_reply",
    "find_by_private_token",
    "find_duplicate_submission",
    "hash_token",
    "next_due",
    "open_requests_for",
    "organisation_requests",
    "private_token_for",
    "promise_of",
    "propose_resolution_date",
    "rate_service",
    "recently_closed_for",
    "record_callback",
    "redate",
    "resolve",
    "resume",
    "set_status",
    "staff_reply",
    "submit_once",
    "submit_request",
    "wait_for_customer",
]

#: A private link keeps working this long after its request closes (issue #4).
PRIVATE_LINK_DAYS_AFTER_CLOSE = 90
#: The same words sent twice this soon count as one request (back button and resubmit).
DUPLICATE_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class Submission:
    request: ServiceRequest
    created: bool
    #: A new visitor request's private-link token (it is also in the email sent).
    private_token: str | None = None


def submit_request(
    kind: Kind | str,
    *,
    subject: str,
    body: str,
    requester: User | None = None,
    name: str = "",
    email: str = "",
    phone: str = "",
    details: dict | None = None,
    channel: Channel | str = Channel.WEB,
    received_at: datetime | None = None,
    organisation: Organisation | None = None,
    uploads: Iterable[files.Upload] = (),
    submission_key: str | None = None,
    logged_by: User | None = None,
    assignee: User | None = None,
    notify_customer: bool = True,
) -> Submission:
    """Record a new request and make its promise (CHARTER.md sections 2, 4 and 5).

    ``received_at`` is when the request actually arrived (staff logging a call or letter
    enter it; web forms use now). The clock starts by the section 2 rule and the due instant
    is computed once, with the calendar and the policy version in force, and stored: later
    changes to targets apply to new requests only (section 5).

    A visitor (``requester`` None) gets a private-link token, emailed and stored hashed.
    The same ``submission_key`` from the same person, or the same words sent again within
    ten minutes, return the request already made instead of a second one.

    An ``assignee`` chosen at submission (an employer's dedicated contact) is emailed at
    once, by :func:`alert_assignee`.
    """
    kind = Kind(kind)
    now = utcnow()
    received_at = received_at or now
    if received_at > now + timedelta(minutes=5):
        raise RequestError("The time received cannot be in the future.")
    if requester is not None:
        name, email = requester.full_name, requester.email
        phone = phone or requester.phone
        organisation = organisation or requester.organisation
    email = email.strip().lower()
    if not name.strip() or not email:
        raise RequestError("We need a name and an email address to reply to.")

    existing = _duplicate_of(kind, email, subject, body, submission_key, now)
    if existing is not None:
        return Submission(existing, created=False)

    cal = get_calendar()
    policy = current_policy()
    promise_code = PROMISE_OF_KIND[kind]
    promise = promises_for(policy)[promise_code]
    start = clock_start(received_at, cal)
    request = ServiceRequest(
        kind=kind.value,
        promise_code=promise_code,
        policy_version_id=policy.id,
        channel=Channel(channel).value,
        requester=requester,
        requester_name=name.strip(),
        requester_email=email,
        requester_phone=phone.strip(),
        organisation=organisation,
        subject=subject.strip(),
        body=body.strip(),
        details=details or {},
        received_at=received_at,
        clock_started_at=start.started_at,
        clock_start_reason=start.reason,
        response_due_at=due_at(promise, start.started_at, cal),
        resolution_due_at=_promised_resolution(kind, policy, start.started_at, cal),
        status=Status.RECEIVED.value,
        version=0,
        submission_key=submission_key,
        assignee=assignee,
        created_at=now,
        updated_at=now,
    )
    db.session.add(request)
    db.session.flush()
    received_local = cal.to_london(received_at)
    request.reference = f"{PREFIXES[kind]}-{received_local.year}-{request.id:06d}"
    token = None
    if requester is None:
        token = private_token_for(request)
        request.private_token_hash = hash_token(token)

    event = record_event(
        request,
        EventKind.SUBMITTED,
        logged_by or requester,
        body=request.body,
        now=now,
        author_name=name.strip(),
        channel=request.channel,
    )
    db.session.flush()
    attach_uploads(request, event, uploads, requester)
    db.session.flush()
    if notify_customer:
        email_customer(
            request,
            event,
            f"We have your {KIND_LABELS[kind].lower()}",
            "request_received",
            promise=promise,
            promise_sentence=promise_sentence(promise, cal.rules.same_day_cutoff),
            due_words=format_london(request.response_due_at, with_year=True),
        )
    if assignee is not None:
        alert_assignee(request)
    return Submission(request, created=True, private_token=token)


def _promised_resolution(kind: Kind, policy, started_at: datetime, cal) -> datetime | None:
    """The resolution date a kind promises from the start (an appeal's decision), or None."""
    code = RESOLUTION_PROMISE_OF_KIND.get(kind)
    return None if code is None else due_at(promises_for(policy)[code], started_at, cal)


def submit_once(kind: Kind | str, *, submission_key: str | None, **fields) -> ServiceRequest:
    """A web form's new request, made once however often the form is sent.

    :func:`submit_request` already returns the earlier request for a key it can see. Two
    copies of a form sent at the same moment both miss each other, and the database's
    unique (email, submission key) stops the second insert; that insert is made in a
    SAVEPOINT, so only it is undone and the rest of the request's transaction stands, and
    the request the first copy made is returned instead. ``fields`` are
    :func:`submit_request`'s.
    """
    try:
        with db.session.begin_nested():
            return submit_request(kind, submission_key=submission_key, **fields).request
    except IntegrityError:
        requester = fields.get("requester")
        email = requester.email if requester is not None else fields.get("email", "")
        earlier = submission_key and find_duplicate_submission(email, submission_key)
        if not earlier:
            raise
        return earlier


def alert_assignee(request: ServiceRequest) -> None:
    """Email the staff member a new request was routed to, at once (CHARTER §4: employer
    support is answered the same working day, so the handler must know straight away)."""
    queue_email(
        f"staff-new:{request.id}:{request.assignee.id}",
        request.assignee.email,
        f"New {KIND_LABELS[Kind(request.kind)].lower()} {request.reference}, due "
        f"{format_london(request.response_due_at)}",
        "staff_new_request",
        request_id=request.id,
        request=request,
        staff=request.assignee,
        link=external_url("staff.request_detail", reference=request.reference),
        due_words=format_london(request.response_due_at, with_year=True),
    )


def _duplicate_of(kind: Kind, email: str, subject: str, body: str,
                  submission_key: str | None, now: datetime) -> ServiceRequest | None:
    if submission_key:
        found = db.session.scalar(
            select(ServiceRequest).where(
                ServiceRequest.requester_email == email,
                ServiceRequest.submission_key == submission_key,
            )
        )
        if found is not None:
            return found
    return db.session.scalar(
        select(ServiceRequest)
        .where(
            ServiceRequest.requester_email == email,
            ServiceRequest.kind == kind.value,
            ServiceRequest.subject == subject.strip(),
            ServiceRequest.body == body.strip(),
            ServiceRequest.created_at >= now - DUPLICATE_WINDOW,
        )
        .order_by(ServiceRequest.id.desc())
        .limit(1)
    )


def find_duplicate_submission(email: str, submission_key: str) -> ServiceRequest | None:
    """The request a form key already made (for a view recovering from a race)."""
    return db.session.scalar(
        select(ServiceRequest).where(
            ServiceRequest.requester_email == email.strip().lower(),
            ServiceRequest.submission_key == submission_key,
        )
    )


def find_by_private_token(token: str, now: datetime | None = None) -> ServiceRequest | None:
    """The request a visitor's private link opens, or None if unknown or expired.

    The link stops working 90 days after the request closes (issue #4).
    """
    if not token or len(token) > 100:
        return None
    request = db.session.scalar(
        select(ServiceRequest).where(ServiceRequest.private_token_hash == hash_token(token))
    )
    if request is None:
        return None
    now = now or utcnow()
    if request.closed_at is not None and now > request.closed_at + timedelta(
        days=PRIVATE_LINK_DAYS_AFTER_CLOSE
    ):
        return None
    return request


def submit_reprint(completion, requester: User, body: str, details: dict,
                   submission_key: str | None) -> ServiceRequest:
    """A reprint of a posted certificate (lost, damaged, wrong details) as a request of its
    own, on the centre's list and in the staff queue; sent twice, it is made once."""
    details = dict(details, completion_id=completion.id,
                   certificate_number=completion.certificate_number,
                   learner_name=completion.learner_name,
                   qualification=completion.qualification.title)
    reason = details["reason_words"].split(" (")[0].lower()
    return submit_once(
        Kind.REPRINT,
        subject=f"Reprint of {completion.certificate_number} for "
        f"{completion.learner_name} ({reason})",
        body=body,
        requester=requester,
        details=details,
        submission_key=submission_key,
        organisation=requester.organisation,
    )
