"""State changes of a service request (CHARTER.md sections 2 to 6).

Every function here takes model objects and plain values, enforces the charter's rules,
writes the timeline entry, queues the customer's email and flushes; the caller (a view or
a job) commits once. A :class:`RequestError` carries a message fit to show the person.

The functions the staff console calls are at the end: ``staff_reply``, ``add_internal_note``,
``set_status``, ``wait_for_customer``, ``resume``, ``propose_resolution_date``, ``redate``,
``resolve``, ``close``, ``record_callback`` and ``assign``. Before any of them, the console
calls ``claim_version`` with the version the person's form was rendered with. ``next_due``
(kept on every flush) is what the staff queue orders by.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import event as sa_event
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.accounts.models import Organisation, User
from portal.audit.services import record_request_change
from portal.charter import (
    DEFAULT_PROMISES,
    clock_start,
    due_at,
    extend_for_pause,
    format_london,
    update_due,
)
from portal.database import utcnow
from portal.extensions import db
from portal.notify.services import on_message_failed, queue_email
from portal.notify.status import queue_satisfaction_request
from portal.requests import files
from portal.requests.models import (
    KIND_LABELS,
    OPEN_STATUSES,
    PREFIXES,
    PROMISE_OF_KIND,
    Attachment,
    Channel,
    EventKind,
    Kind,
    RequestEvent,
    ResolutionState,
    ServiceRequest,
    Status,
)
from portal.settings.models import PolicyVersion
from portal.settings.services import current_policy, get_calendar, office_settings, promises_for
from portal.urls import external_url

#: A private link keeps working this long after its request closes (issue #4).
PRIVATE_LINK_DAYS_AFTER_CLOSE = 90
#: The same words sent twice this soon count as one request (back button and resubmit).
DUPLICATE_WINDOW = timedelta(minutes=10)


class RequestError(Exception):
    """A change the rules do not allow; ``str()`` is the message for the person."""


class StaleRequest(RequestError):
    """Someone else changed the request since the person acting on it loaded it."""

    def __init__(self, request: ServiceRequest, seen_version: int | None):
        super().__init__(
            "Someone else changed this request after you opened it, so your change was not "
            "saved. Check what changed below; what you typed is still in the form."
        )
        self.request = request
        self.seen_version = seen_version


# ---------------------------------------------------------------------- what falls due next


def next_due(request: ServiceRequest) -> datetime | None:
    """The instant staff must act by next on an open request (CHARTER.md sections 5 and 7).

    * Until its promise is met (first reply, call back or decision): ``response_due_at``.
      A first-reply promise never pauses, so it counts even while we wait for the customer;
      a decision promise (applications, upgrades) pauses then.
    * Then the earlier of the resolution date and the next update due, unless we are waiting
      for the customer (both are paused and move on when the customer answers).

    None when nothing is due (paused, or answered with no date agreed) and for resolved or
    closed requests, which leave the queue.
    """
    if request.status not in OPEN_STATUSES:
        return None
    waiting = request.status == Status.WAITING_CUSTOMER
    candidates = []
    promise = DEFAULT_PROMISES.get(request.promise_code)
    pauses = promise is not None and not promise.first_reply
    if request.promise_met_at is None and not (waiting and pauses):
        candidates.append(request.response_due_at)
    if not waiting:
        candidates += [d for d in (request.resolution_due_at, request.next_update_due_at) if d]
    return min(candidates) if candidates else None


@sa_event.listens_for(Session, "before_flush")
def _keep_next_due(session, _context, _instances) -> None:
    # Every change to a request passes through a flush, so the queue's ordering column can
    # never drift from the dates it summarises, whichever service (or script) changed them.
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, ServiceRequest):
            due = next_due(obj)
            if obj.next_due_at != due:
                obj.next_due_at = due


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


@dataclass(frozen=True)
class Submission:
    request: ServiceRequest
    created: bool
    #: A new visitor request's private-link token (it is also in the email sent).
    private_token: str | None = None


# ------------------------------------------------------------------------------ helpers


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


def promise_of(request: ServiceRequest):
    """The promise this request was made under, with the targets of its policy version."""
    version = db.session.get(PolicyVersion, request.policy_version_id)
    return promises_for(version)[request.promise_code]


def _touch(request: ServiceRequest, now: datetime) -> None:
    # Every change bumps the version: live pages compare it, and the staff console will
    # use it to refuse edits made against a stale copy.
    request.version = (request.version or 0) + 1
    request.updated_at = now


def _event(
    request: ServiceRequest,
    kind: EventKind,
    actor: User | None,
    body: str = "",
    now: datetime | None = None,
    is_internal: bool = False,
    author_name: str | None = None,
    **data,
) -> RequestEvent:
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


def _attach(
    request: ServiceRequest, event: RequestEvent, uploads: Iterable[files.Upload], by: User | None
) -> None:
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


def customer_link(request: ServiceRequest) -> str:
    """Where the customer reads this request: their account, or the private link."""
    if request.requester_id is not None:
        return external_url("member.request_detail", reference=request.reference)
    return external_url("visitor.private_detail", token=private_token_for(request))


def _email_customer(request: ServiceRequest, event: RequestEvent, subject: str, template: str,
                    **context) -> None:
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


def _resolution_instant(day: date) -> datetime:
    """A resolution date is a day; the promise is kept if it is done by close of that day."""
    cal = get_calendar()
    return cal.london_instant(day, cal.rules.office_close)


def _next_update(now: datetime) -> datetime:
    return update_due(now, get_calendar(), office_settings().update_every_days)


def _check_open(request: ServiceRequest) -> None:
    if request.status == Status.CLOSED:
        raise RequestError("This request is closed, so it cannot be changed.")


# ------------------------------------------------------------------------ submitting


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

    event = _event(
        request,
        EventKind.SUBMITTED,
        logged_by or requester,
        body=request.body,
        now=now,
        author_name=name.strip(),
        channel=request.channel,
    )
    db.session.flush()
    _attach(request, event, uploads, requester)
    db.session.flush()
    if notify_customer:
        _email_customer(
            request,
            event,
            f"We have your {KIND_LABELS[kind].lower()}",
            "request_received",
            promise=promise,
            due_words=format_london(request.response_due_at, with_year=True),
        )
    if assignee is not None:
        alert_assignee(request)
    return Submission(request, created=True, private_token=token)


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


# ------------------------------------------------------------------ the customer's side


def customer_reply(
    request: ServiceRequest,
    body: str,
    author: User | None = None,
    uploads: Iterable[files.Upload] = (),
) -> RequestEvent:
    """The customer adds a message (and files) to their request (CHARTER.md section 5).

    A reply while we wait for the customer resumes the clock: the resolution date moves on by
    the office time spent waiting. A reply to a resolved or answered request puts it back
    with the team.
    """
    _check_open(request)
    now = utcnow()
    if request.status == Status.WAITING_CUSTOMER:
        _resume(request, now, actor=author, author_name=request.requester_name)
    event = _event(
        request, EventKind.CUSTOMER_REPLY, author, body=body.strip(), now=now,
        author_name=request.requester_name,
    )
    db.session.flush()
    _attach(request, event, uploads, author)
    if request.status != Status.WITH_TEAM:
        previous = request.status
        request.status = Status.WITH_TEAM.value
        if previous == Status.RESOLVED:
            request.resolved_at = None
    db.session.flush()
    return event


def accept_resolution_date(request: ServiceRequest, author: User | None = None) -> RequestEvent:
    """The customer agrees the proposed resolution date (CHARTER.md section 5)."""
    _check_open(request)
    if request.resolution_due_at is None or request.resolution_state != ResolutionState.PROPOSED:
        raise RequestError("There is no proposed date to accept.")
    request.resolution_state = ResolutionState.ACCEPTED.value
    event = _event(
        request, EventKind.RESOLUTION_ACCEPTED, author, author_name=request.requester_name,
        resolution_due_at=request.resolution_due_at.isoformat(),
    )
    db.session.flush()
    return event


def ask_to_discuss(request: ServiceRequest, body: str = "", author: User | None = None
                   ) -> RequestEvent:
    """The customer asks to discuss the proposed resolution date (CHARTER.md section 5)."""
    _check_open(request)
    if request.resolution_due_at is None or request.resolution_state != ResolutionState.PROPOSED:
        raise RequestError("There is no proposed date to discuss.")
    request.resolution_state = ResolutionState.DISCUSS.value
    if request.status != Status.WITH_TEAM:
        request.status = Status.WITH_TEAM.value
    event = _event(
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
    event = _event(
        request, EventKind.RATED, author, body=comment.strip(),
        author_name=request.requester_name, rating=rating,
    )
    db.session.flush()
    return event


# ------------------------------------------------------------------------ staff's side


def _require_text(body: str, what: str = "a message") -> str:
    body = (body or "").strip()
    if not body:
        raise RequestError(f"Enter {what}.")
    return body


def _meet_promise(request: ServiceRequest, now: datetime) -> None:
    if request.promise_met_at is None:
        request.promise_met_at = now


def _record_first_reply(request: ServiceRequest, now: datetime) -> None:
    """Stamp the first reply and the office time it took (CHARTER.md section 7).

    The office seconds are stored, not computed when reporting, so the report can take
    medians and percentiles in SQL over a year of requests. A reply before the clock
    started (a weekend answer to a weekend message) took no office time.
    """
    if request.first_reply_at is not None:
        return
    request.first_reply_at = now
    request.first_reply_office_seconds = max(
        0, get_calendar().office_seconds_between(request.clock_started_at, now)
    )


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
    _check_open(request)
    body = _require_text(body, "your reply")
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
        _resume(request, now, actor=staff)
    event = _event(request, EventKind.STAFF_REPLY, staff, body=body, now=now)
    db.session.flush()
    _attach(request, event, uploads, staff)
    if is_first:
        _record_first_reply(request, now)
    if promise_of(request).first_reply:
        _meet_promise(request, now)
    if request.resolution_due_at is not None and resolution_date is None:
        request.next_update_due_at = _next_update(now)
    if resolution_date is not None:
        _propose(request, staff, resolution_date, now, announce=False)
    if resolves:
        _resolve(request, staff, now, first_time=is_first)
    elif request.status != Status.RESOLVED:
        request.status = Status.ANSWERED.value
    db.session.flush()
    _email_customer(request, event, "We have replied to you", "request_update")
    return event


def add_system_note(request: ServiceRequest, body: str) -> RequestEvent:
    """A note for staff written by the portal itself (an inbound email's set-aside file,
    a failed email); customers never see it."""
    event = _event(request, EventKind.INTERNAL_NOTE, None, body=_require_text(body, "a note"),
                   is_internal=True, author_name="Member Services Portal")
    db.session.flush()
    return event


def add_internal_note(request: ServiceRequest, staff: User, body: str) -> RequestEvent:
    """A note for colleagues; customers never see it (CHARTER.md section 6)."""
    event = _event(
        request, EventKind.INTERNAL_NOTE, staff, body=_require_text(body, "a note"),
        is_internal=True,
    )
    db.session.flush()
    return event


def set_status(request: ServiceRequest, staff: User, status: Status | str) -> RequestEvent:
    """Move a request to "Received", "With our team" or "Answered".

    Waiting, resolving and closing have rules of their own: use :func:`wait_for_customer`,
    :func:`resolve` and :func:`close`.
    """
    _check_open(request)
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
        _resume(request, now, actor=staff)
    previous = request.status
    request.status = status.value
    event = _event(request, EventKind.STATUS_CHANGED, staff, now=now,
                   previous=previous, status=status.value)
    db.session.flush()
    return event


def wait_for_customer(request: ServiceRequest, staff: User, body: str) -> RequestEvent:
    """Ask the customer for something and pause the resolution date (CHARTER.md section 5).

    The first-reply promise does not pause; asking is itself a reply the customer sees.
    """
    _check_open(request)
    body = _require_text(body, "what you need from the customer")
    if request.status == Status.WAITING_CUSTOMER:
        raise RequestError("We are already waiting for the customer.")
    now = utcnow()
    event = _event(request, EventKind.PAUSED, staff, body=body, now=now)
    request.status = Status.WAITING_CUSTOMER.value
    request.waiting_since = now
    if request.first_reply_at is None:
        _record_first_reply(request, now)
        if promise_of(request).first_reply and request.kind != Kind.COMPLAINT:
            _meet_promise(request, now)
    db.session.flush()
    _email_customer(request, event, "We need something from you", "request_update")
    return event


def _resume(request: ServiceRequest, now: datetime, actor: User | None,
            author_name: str | None = None) -> RequestEvent:
    """Restart the paused clock: dates move on by the office time spent waiting (section 5)."""
    paused_at = request.waiting_since or now
    cal = get_calendar()
    moved = {}
    if request.resolution_due_at is not None:
        request.resolution_due_at = extend_for_pause(request.resolution_due_at, paused_at, now, cal)
        moved["resolution_due_at"] = request.resolution_due_at.isoformat()
    if request.next_update_due_at is not None:
        request.next_update_due_at = extend_for_pause(
            request.next_update_due_at, paused_at, now, cal
        )
    # Promises met by a decision (applications, upgrades) pause too; first replies never do.
    if request.promise_met_at is None and not promise_of(request).first_reply:
        request.response_due_at = extend_for_pause(request.response_due_at, paused_at, now, cal)
        moved["response_due_at"] = request.response_due_at.isoformat()
    request.waiting_since = None
    request.status = Status.WITH_TEAM.value
    return _event(request, EventKind.RESUMED, actor, now=now, author_name=author_name,
                  paused_at=paused_at.isoformat(), **moved)


def resume(request: ServiceRequest, staff: User) -> RequestEvent:
    """Staff stop waiting for the customer (for example, they answered by phone)."""
    _check_open(request)
    if request.status != Status.WAITING_CUSTOMER:
        raise RequestError("This request is not waiting for the customer.")
    event = _resume(request, utcnow(), actor=staff)
    db.session.flush()
    return event


def _propose(request: ServiceRequest, staff: User, day: date, now: datetime,
             announce: bool = True, kind: EventKind = EventKind.RESOLUTION_PROPOSED,
             reason: str = "") -> RequestEvent:
    if day < get_calendar().to_london(now).date():
        raise RequestError("The resolution date cannot be in the past.")
    previous = request.resolution_due_at
    request.resolution_due_at = _resolution_instant(day)
    request.resolution_state = ResolutionState.PROPOSED.value
    request.next_update_due_at = _next_update(now)
    event = _event(
        request, kind, staff, body=reason, now=now,
        resolution_due_at=request.resolution_due_at.isoformat(),
        previous=previous.isoformat() if previous else None,
    )
    if announce:
        db.session.flush()
        subject = ("We have changed the date for your request" if kind == EventKind.REDATED
                   else "We have proposed a date for your request")
        _email_customer(request, event, subject, "request_update")
    return event


def propose_resolution_date(request: ServiceRequest, staff: User, day: date) -> RequestEvent:
    """Propose when the case will be resolved; the customer accepts or asks to discuss
    (CHARTER.md section 5). Updates fall due every few working days from now on."""
    _check_open(request)
    event = _propose(request, staff, day, utcnow())
    db.session.flush()
    return event


def redate(request: ServiceRequest, staff: User, day: date, reason: str) -> RequestEvent:
    """Move an open case's resolution date, with a reason the customer is told
    (CHARTER.md section 5: a promise never moves by itself, only like this)."""
    _check_open(request)
    reason = _require_text(reason, "the reason for the new date")
    if request.resolution_due_at is None:
        raise RequestError("There is no resolution date to change; propose one instead.")
    event = _propose(request, staff, day, utcnow(), kind=EventKind.REDATED, reason=reason)
    db.session.flush()
    return event


def _resolve(request: ServiceRequest, staff: User, now: datetime, first_time: bool
             ) -> RequestEvent:
    if request.status == Status.WAITING_CUSTOMER:
        _resume(request, now, actor=staff)
    request.status = Status.RESOLVED.value
    request.resolved_at = now
    request.next_update_due_at = None
    if request.resolved_first_time is None:
        request.resolved_first_time = first_time
    # Applications and upgrades are met by the decision, which resolving confirms.
    _meet_promise(request, now)
    _record_first_reply(request, now)
    if request.satisfaction_rating is None:
        # One invitation per request to rate us; the rating itself needs the page's button.
        queue_satisfaction_request(
            to=request.requester_email,
            first_name=request.requester_name.split(" ", 1)[0],
            request_id=request.id,
            reference=request.reference,
            link=customer_link(request),
        )
    return _event(request, EventKind.RESOLVED, staff, now=now, first_time=first_time)


def resolve(request: ServiceRequest, staff: User, body: str = "") -> RequestEvent | None:
    """Mark the case resolved (CHARTER.md section 5). With ``body`` this is a reply that
    resolves; a first reply that resolves counts as resolved first time."""
    _check_open(request)
    if request.status == Status.RESOLVED:
        raise RequestError("This request is already resolved.")
    if body.strip():
        return staff_reply(request, staff, body, resolves=True)
    now = utcnow()
    event = _resolve(request, staff, now, first_time=False)
    db.session.flush()
    _email_customer(request, event, "Your request is resolved", "request_update")
    return event


def close(request: ServiceRequest, staff: User | None) -> RequestEvent:
    """Close the request. A visitor's private link works for 90 days more (issue #4)."""
    _check_open(request)
    now = utcnow()
    if request.status == Status.WAITING_CUSTOMER:
        _resume(request, now, actor=staff)
    if request.resolved_at is None:
        request.resolved_at = now
        if request.resolved_first_time is None:
            request.resolved_first_time = False
    request.status = Status.CLOSED.value
    request.closed_at = now
    request.next_update_due_at = None
    event = _event(request, EventKind.CLOSED, staff, now=now)
    db.session.flush()
    return event


CALLBACK_OUTCOMES = {"spoke": "We spoke to you", "message": "We left you a message"}


def record_callback(request: ServiceRequest, staff: User, outcome: str, note: str = ""
                    ) -> RequestEvent:
    """Record a call back: spoke to the customer or left a message (CHARTER.md section 4:
    this is what meets the call-back promise)."""
    _check_open(request)
    if outcome not in CALLBACK_OUTCOMES:
        raise RequestError("Say whether you spoke to them or left a message.")
    now = utcnow()
    event = _event(request, EventKind.CALLBACK_RECORDED, staff, body=note.strip(), now=now,
                   outcome=outcome)
    _record_first_reply(request, now)
    _meet_promise(request, now)
    if request.status in (Status.RECEIVED, Status.WITH_TEAM):
        request.status = Status.ANSWERED.value
    db.session.flush()
    return event


def assign(request: ServiceRequest, staff: User, assignee: User | None) -> RequestEvent:
    """Give the request to a colleague (or nobody); a new request moves to "With our team"."""
    if assignee is not None and assignee.role not in ("staff", "admin"):
        raise RequestError("Requests can only be assigned to staff.")
    request.assignee = assignee
    event = _event(
        request, EventKind.ASSIGNED, staff, is_internal=True,
        assignee_id=assignee.id if assignee else None,
        assignee_name=assignee.full_name if assignee else "",
    )
    if request.status == Status.RECEIVED and assignee is not None:
        request.status = Status.WITH_TEAM.value
    db.session.flush()
    return event


def open_requests_for(user: User) -> list[ServiceRequest]:
    return list(db.session.scalars(
        select(ServiceRequest)
        .where(ServiceRequest.requester_id == user.id,
               ServiceRequest.status.in_([s.value for s in OPEN_STATUSES]))
        .order_by(ServiceRequest.response_due_at)
    ))


def recently_closed_for(user: User, limit: int = 5) -> list[ServiceRequest]:
    return list(db.session.scalars(
        select(ServiceRequest)
        .where(ServiceRequest.requester_id == user.id,
               ServiceRequest.status.in_([Status.RESOLVED.value, Status.CLOSED.value]))
        .order_by(ServiceRequest.updated_at.desc())
        .limit(limit)
    ))


def organisation_requests(organisation_id: int, *, open_only: bool, limit: int = 50):
    """An organisation's open requests, soonest due first, or its closed ones, newest first."""
    query = select(ServiceRequest).where(ServiceRequest.organisation_id == organisation_id)
    if open_only:
        query = query.where(ServiceRequest.status.in_([s.value for s in OPEN_STATUSES]))
        query = query.order_by(ServiceRequest.response_due_at, ServiceRequest.id)
    else:
        query = query.where(ServiceRequest.status.not_in([s.value for s in OPEN_STATUSES]))
        query = query.order_by(ServiceRequest.updated_at.desc(), ServiceRequest.id.desc())
    return db.session.scalars(query.limit(limit)).all()
