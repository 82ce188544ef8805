"""Staff console operations that are not one request service call (issue #5).

Like every service here, these flush and never commit: the request is committed once, after
the response, by :mod:`portal.transactions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from portal.accounts import absences
from portal.accounts.models import Membership, MemberStatus, Organisation, OrgKind, Role, User
from portal.charter import format_date
from portal.database import unique_or, utcnow
from portal.extensions import db
from portal.requests import cover, services
from portal.requests.models import (
    OPEN_STATUSES,
    Kind,
    RequestEvent,
    ServiceRequest,
)
from portal.settings.services import get_calendar
from portal.staff import escalation, queue
from portal.staff.models import ReusableReply

# ------------------------------------------------------------------- the console's home


@dataclass(frozen=True)
class Dashboard:
    """What a staff member sees first: the whole queue's states, their own requests, and
    how many people of each kind the portal serves."""

    counts: dict[str, int]
    mine: list[queue.QueueRow]
    more_mine: str | None
    mine_counts: dict[str, int]
    people: dict[str, int]
    #: Escalations about open cases: "due within N office hours" (issue #16).
    alerts: list = field(default_factory=list)


def dashboard(me: int) -> Dashboard:
    """Due today, at risk and overdue across the queue, and the first page of ``me``'s own
    requests, in the order they fall due (CHARTER.md section 7)."""
    _rows, _cursor, counts = queue.queue_page(queue.QueueFilters(me=me), limit=1)
    mine, more_mine, mine_counts = queue.queue_page(
        queue.QueueFilters(assignee="mine", me=me), limit=20
    )
    return Dashboard(counts, mine, more_mine, mine_counts, people_counts(),
                     escalation.alerts_for(me))


def people_counts() -> dict[str, int]:
    """Active members, applicants, employer customers, learning centres and staff."""
    def count(column, condition) -> int:
        return db.session.scalar(select(func.count(column)).where(condition))

    return {
        "members": count(Membership.id, Membership.status == MemberStatus.ACTIVE.value),
        "applicants": count(Membership.id, Membership.status == MemberStatus.APPLICANT.value),
        "employers": count(Organisation.id, Organisation.kind == OrgKind.EMPLOYER),
        "centres": count(Organisation.id, Organisation.kind == OrgKind.CENTRE),
        "staff": count(User.id, User.role.in_([Role.STAFF, Role.ADMIN])),
    }


# --------------------------------------------------------------------------- absences


def record_absence(user: User, starts_on: date, ends_on: date, note: str = "") -> int:
    """Record that ``user`` is away; if that covers today, their open same-day cases pass
    to the cover at once (the morning job does it for later absences). Returns how many
    cases moved."""
    absences.add_absence(user, starts_on, ends_on, note)
    return cover.hand_over_open_cases(user)


# ----------------------------------------------------------------------------- people


def find_people(term: str, limit: int = 20) -> list[User]:
    """People with an account whose name or email contains ``term`` (for logging contact)."""
    term = (term or "").strip().lower()[:120]
    if len(term) < 2:
        return []
    like = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return list(db.session.scalars(
        select(User)
        .where(or_(func.lower(User.email).like(like, escape="\\"),
                   func.lower(User.full_name).like(like, escape="\\")))
        .order_by(User.full_name, User.id)
        .limit(limit)
    ))


def other_requests(request: ServiceRequest, limit: int = 10) -> list[ServiceRequest]:
    """The same customer's other requests, newest first (by account, else by email)."""
    who = (ServiceRequest.requester_id == request.requester_id
           if request.requester_id is not None
           else ServiceRequest.requester_email == request.requester_email)
    return list(db.session.scalars(
        select(ServiceRequest)
        .where(who, ServiceRequest.id != request.id)
        .order_by(ServiceRequest.id.desc())
        .limit(limit)
    ))


def events_since(request: ServiceRequest, event_id: int) -> list[RequestEvent]:
    """Timeline entries added after ``event_id``: what changed since someone looked."""
    return list(db.session.scalars(
        select(RequestEvent)
        .options(selectinload(RequestEvent.attachments))
        .where(RequestEvent.request_id == request.id, RequestEvent.id > event_id)
        .order_by(RequestEvent.id)
    ))


def last_event_id(request: ServiceRequest) -> int:
    return max((e.id for e in request.events), default=0)


# ------------------------------------------------------------------- logging contact


class ContactError(services.RequestError):
    """A logged contact refused, naming the :func:`log_contact` argument at fault
    (``received_at``, ``name``, ``phone``; empty when it is about the whole contact), so
    the page shows the message beside what staff typed rather than guessing from its words.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def log_contact(
    staff: User,
    *,
    kind: str,
    channel: str,
    received_at: datetime,
    subject: str,
    body: str,
    person: User | None = None,
    name: str = "",
    email: str = "",
    phone: str = "",
) -> ServiceRequest:
    """Record a phone message, letter, email or social post as a request (CHARTER.md §2).

    The clock starts from ``received_at``, when it actually reached us, not from when it
    was typed in. A new contact whose email already has an account is logged against that
    account, so the person sees it when they sign in.
    """
    if received_at > utcnow():
        raise ContactError("received_at", "The time it arrived cannot be in the future.")
    if person is None:
        if not name.strip() or not email.strip():
            raise ContactError(
                "name", "Choose a person, or enter the new contact's name and email address."
            )
        person = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    details = {"phone": phone} if kind == Kind.CALLBACK and phone else {}
    if kind == Kind.CALLBACK and not (phone or (person and person.phone)):
        raise ContactError("phone", "Enter the phone number to call back.")
    if kind == Kind.CALLBACK and not phone:
        details = {"phone": person.phone}
    try:
        submission = services.submit_request(
            kind,
            subject=subject,
            body=body,
            requester=person,
            name=name,
            email=email,
            phone=phone,
            details=details,
            channel=channel,
            received_at=received_at,
            logged_by=staff,
        )
    except services.RequestError as exc:  # a general rule, not about one thing typed
        raise ContactError("", str(exc)) from exc
    return submission.request


def london_received_at(day: date, at: time) -> datetime:
    """The UTC instant of a London date and time typed by staff."""
    return get_calendar().london_instant(day, at)


# --------------------------------------------------------------- membership decisions


@dataclass(frozen=True)
class Decision:
    approved: bool
    membership: Membership | None
    message: str


def membership_queue() -> list[ServiceRequest]:
    """Open applications and upgrades, what falls due first at the top."""
    return list(db.session.scalars(
        select(ServiceRequest)
        .options(selectinload(ServiceRequest.attachments),
                 selectinload(ServiceRequest.requester).selectinload(User.membership))
        .where(ServiceRequest.kind.in_([Kind.APPLICATION.value, Kind.UPGRADE.value]),
               ServiceRequest.status.in_([s.value for s in OPEN_STATUSES]))
        .order_by(ServiceRequest.next_due_at.nulls_last(), ServiceRequest.id)
    ))


def requested_grade(request: ServiceRequest) -> str | None:
    return request.details.get("grade") or request.details.get("target_grade")


def _one_year_on(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _new_membership_number() -> str:
    """The next number in the M + 7 digits series (the unique constraint is the backstop)."""
    numbers = db.session.scalars(
        select(Membership.membership_number).where(Membership.membership_number.like("M_______"))
    ).all()
    highest = max((int(n[1:]) for n in numbers if n[1:].isdigit()), default=0)
    return f"M{max(highest, 1_000_000) + 1:07d}"


class _NumberTaken(Exception):
    pass


def _number_membership(membership: Membership, tries: int = 5) -> None:
    """Give the next membership number. Two decisions at the same moment both read the same
    highest number; the unique constraint refuses the second, which then takes the next
    one (issue #14) instead of failing at commit with an error page."""
    for attempt in range(tries):
        try:
            with unique_or(db.session, _NumberTaken()):
                membership.membership_number = _new_membership_number()
                db.session.flush()
            return
        except _NumberTaken:
            if attempt == tries - 1:
                raise RuntimeError("no free membership number after several tries") from None


def decide_membership(
    request: ServiceRequest, staff: User, approve: bool, grade: str | None, message: str = ""
) -> Decision:
    """Approve or decline an application or upgrade (CHARTER.md section 4).

    Approving sets the grade, makes the membership active and issues a membership number if
    there is none. A new membership renews one year from today (London); an upgrade keeps
    its renewal date (CHARTER.md section 9). Either way the reply tells the member the
    date. Declining needs reasons.
    Either way the decision is sent to the applicant as a reply that resolves the request:
    that confirmation is what meets the decision promise.
    """
    if request.kind not in (Kind.APPLICATION, Kind.UPGRADE):
        raise services.RequestError("Only applications and upgrades take a membership decision.")
    if not request.is_open:
        raise services.RequestError("This request has already been decided.")
    applicant = request.requester
    grades = dict(current_app.config["MEMBER_GRADES"])
    message = (message or "").strip()
    if not approve:
        if not message:
            raise services.RequestError("Give the reasons for declining.")
        what = "application" if request.kind == Kind.APPLICATION else "upgrade application"
        body = f"We are sorry, but we cannot approve your {what} at this time.\n\n{message}"
        services.staff_reply(request, staff, body, resolves=True)
        return Decision(False, applicant.membership if applicant else None, body)

    if applicant is None:
        raise services.RequestError(
            "This applicant has no account, so there is no membership to update."
        )
    if grade not in grades:
        raise services.RequestError("Choose the grade to approve.")
    today = get_calendar().to_london(utcnow()).date()
    membership = applicant.membership
    if membership is None:
        membership = Membership(user=applicant, grade=grade)
        db.session.add(membership)
    membership.grade = grade
    membership.status = MemberStatus.ACTIVE.value
    if membership.joined_on is None:
        membership.joined_on = today
    is_new = request.kind == Kind.APPLICATION or membership.renewal_date is None
    if is_new:
        # A new membership runs a year from the decision. An upgrade of grade keeps the
        # renewal date (CHARTER.md section 9); the reminder is keyed by the date, so a
        # changed date re-arms it and an unchanged one is not sent twice.
        membership.renewal_date = _one_year_on(today)
    db.session.flush()
    if not membership.membership_number:
        _number_membership(membership)
    what = "membership" if request.kind == Kind.APPLICATION else "upgrade"
    body = (
        f"Good news: we have approved your {what} as {grades[grade]}. "
        f"Your membership number is {membership.membership_number} and "
        f"your membership renews on {format_date(membership.renewal_date, True)}."
    )
    if message:
        body += f"\n\n{message}"
    services.staff_reply(request, staff, body, resolves=True)
    return Decision(True, membership, body)


# -------------------------------------------------------------------- reusable replies


def replies_for(kind: str) -> list[ReusableReply]:
    return list(db.session.scalars(
        select(ReusableReply).where(ReusableReply.kind == kind).order_by(ReusableReply.title)
    ))


def all_replies() -> list[ReusableReply]:
    return list(db.session.scalars(
        select(ReusableReply).order_by(ReusableReply.kind, ReusableReply.title)
    ))


def save_reply(reply: ReusableReply | None, kind: str, title: str, body: str) -> ReusableReply:
    """Add or change a reusable reply."""
    if kind not in {k.value for k in Kind}:
        raise services.RequestError("Choose the kind of request this reply is for.")
    if reply is None:
        reply = ReusableReply(kind=kind, title=title.strip(), body=body.strip())
        db.session.add(reply)
    else:
        reply.kind, reply.title, reply.body = kind, title.strip(), body.strip()
        reply.updated_at = utcnow()
    db.session.flush()
    return reply


def delete_reply(reply: ReusableReply) -> None:
    db.session.delete(reply)
    db.session.flush()
