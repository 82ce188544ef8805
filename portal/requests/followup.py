"""Chase, close and reopen by the charter's clock (issue #16; CHARTER.md section 5).

While we wait for the customer, a reminder goes after N working days and the case closes
after M (settings), each step on the customer's timeline and in an email. A reply within
the reopen window (working days after the case was resolved or closed, a setting) reopens
it; a later one starts a new case that points back to the old one, so one case's
resolution figures are not stretched over months.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from portal.accounts.models import User
from portal.charter import WorkingCalendar
from portal.database import utcnow
from portal.extensions import db
from portal.requests.handling import close
from portal.requests.models import EventKind, ServiceRequest, Status
from portal.requests.timeline import email_customer, record_event
from portal.settings.services import case_clock_settings, get_calendar

PORTAL = "Member Services Portal"


@dataclass(frozen=True)
class WaitingPlan:
    """What happens next while we wait for the customer, for their page."""

    reminder_on: date
    close_on: date


def waiting_plan(request: ServiceRequest, cal: WorkingCalendar | None = None
                 ) -> WaitingPlan | None:
    if request.status != Status.WAITING_CUSTOMER or request.waiting_since is None:
        return None
    cal = cal or get_calendar()
    settings = case_clock_settings()
    since = cal.to_london(request.waiting_since).date()
    return WaitingPlan(cal.add_working_days(since, settings.chase_after_days),
                       cal.add_working_days(since, settings.close_after_days))


def reopen_until(request: ServiceRequest, cal: WorkingCalendar | None = None) -> date | None:
    """The last day a reply reopens this resolved or closed case, or None if it is open."""
    ended = request.closed_at or request.resolved_at
    if request.is_open and request.status != Status.RESOLVED or ended is None:
        return None
    cal = cal or get_calendar()
    return cal.add_working_days(cal.to_london(ended).date(),
                                case_clock_settings().reopen_within_days)


def reopen_window_left(request: ServiceRequest) -> date | None:
    """:func:`reopen_until`, or None once that day has passed (for the customer's page)."""
    until = reopen_until(request)
    if until is None:
        return None
    cal = get_calendar()
    return until if until >= cal.to_london(utcnow()).date() else None


def chase_and_close(now: datetime | None = None) -> str:
    """Job: remind customers we are waiting for, and close the cases they never answered.

    Idempotent: the reminder for one wait is recorded on the timeline with the instant the
    wait began, so a second run (or a crash and rerun) sends nothing twice."""
    now = now or utcnow()
    cal = get_calendar()
    settings = case_clock_settings()
    today = cal.to_london(now).date()
    waiting = db.session.scalars(
        select(ServiceRequest).where(ServiceRequest.status == Status.WAITING_CUSTOMER.value,
                                     ServiceRequest.waiting_since.is_not(None))
        .order_by(ServiceRequest.id)).all()
    chased = closed = 0
    for request in waiting:
        days = cal.working_days_between(cal.to_london(request.waiting_since).date(), today)
        if days >= settings.close_after_days:
            _close_unanswered(request, now, cal)
            closed += 1
        elif days >= settings.chase_after_days and not _chased(request):
            _chase(request, now, cal)
            chased += 1
    db.session.flush()
    return f"reminded {chased}, closed {closed} unanswered requests"


def _chased(request: ServiceRequest) -> bool:
    since = request.waiting_since.isoformat()
    return any(e.kind == EventKind.STATUS_CHANGED and (e.data or {}).get("chased") == since
               for e in request.events)


def _chase(request: ServiceRequest, now: datetime, cal: WorkingCalendar) -> None:
    plan = waiting_plan(request, cal)
    event = record_event(request, EventKind.STATUS_CHANGED, None, now=now,
                         author_name=PORTAL, status=request.status,
                         chased=request.waiting_since.isoformat(),
                         close_on=plan.close_on.isoformat())
    db.session.flush()
    email_customer(request, event, "A reminder: we need something from you", "request_update")


def _close_unanswered(request: ServiceRequest, now: datetime, cal: WorkingCalendar) -> None:
    event = close(request, None)
    event.author_name = PORTAL
    until = cal.add_working_days(cal.to_london(now).date(),
                                 case_clock_settings().reopen_within_days)
    event.data = {**(event.data or {}), "reason": "no_reply",
                  "reopen_until": until.isoformat()}
    db.session.flush()
    email_customer(request, event, "We have closed your request", "request_update")


def reopen_or_follow_on(request: ServiceRequest, body: str, author: User | None,
                        now: datetime) -> ServiceRequest | None:
    """For a reply to a resolved or closed case: reopen it inside the window (returns None),
    or start a new case linked to it after the window (returns the new case)."""
    until = reopen_until(request)
    if until is None:
        return None
    cal = get_calendar()
    if cal.to_london(now).date() <= until:
        record_event(request, EventKind.STATUS_CHANGED, author, now=now,
                     author_name=request.requester_name, status=Status.WITH_TEAM.value,
                     reopened=True)
        request.status = Status.WITH_TEAM.value
        request.closed_at = None
        request.resolved_at = None
        return None
    from portal.requests.services import submit_request  # services imports this module

    new = submit_request(
        request.kind, subject=f"Follow-up to {request.reference}: {request.subject}"[:200],
        body=body, requester=request.requester, name=request.requester_name,
        email=request.requester_email, phone=request.requester_phone,
        organisation=request.organisation, details={"follows": request.reference},
        received_at=now).request
    record_event(request, EventKind.STATUS_CHANGED, None, now=now, author_name=PORTAL,
                 status=request.status, followed_by=new.reference)
    return new

