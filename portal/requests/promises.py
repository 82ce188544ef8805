"""When a request falls due, and how its dates move (CHARTER.md sections 4, 5 and 7).

A promise's due instant is computed once, when the request is made, and stored; what
moves it later is here: a pause while we wait for the customer, a resolution date agreed
or changed, the regular updates owed on an open case, and the first reply that meets it.
``next_due`` (kept on every flush) is what the staff queue orders by.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.charter import DEFAULT_PROMISES, extend_for_pause, format_date, update_due
from portal.requests.models import (
    OPEN_STATUSES,
    EventKind,
    RequestEvent,
    ServiceRequest,
    Status,
)
from portal.requests.timeline import record_event
from portal.settings.services import get_calendar, office_settings, promises_of_version


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


def promise_of(request: ServiceRequest):
    """The promise this request was made under, with the targets of its policy version."""
    return promises_of_version(request.policy_version_id)[request.promise_code]


def not_a_working_day(day: date) -> str | None:
    """Why staff cannot promise ``day`` and which day they can, or None when it is a working
    day (CHARTER.md section 9: dates staff set fall on working days)."""
    cal = get_calendar()
    if day < cal.first_date or day > cal.last_date:
        return "Enter a date within the calendar's years."
    reason = cal.non_working_reason(day)
    if reason is None:
        return None
    if day.weekday() >= 5 and not cal.is_bank_holiday(day):
        reason = "the weekend"
    nearest = cal.working_day_on_or_after(day)
    return (f"{format_date(day)} is not a working day ({reason}). "
            f"The next working day is {format_date(nearest)}.")


def next_working_day_for(day: date) -> date:
    """The working day staff are offered instead of a non-working ``day``."""
    return get_calendar().working_day_on_or_after(day)


def resolution_instant(day: date) -> datetime:
    """A resolution date is a day; the promise is kept if it is done by close of that day."""
    cal = get_calendar()
    return cal.london_instant(day, cal.rules.office_close)


def next_update_due(now: datetime) -> datetime:
    return update_due(now, get_calendar(), office_settings().update_every_days)


def meet_promise(request: ServiceRequest, now: datetime) -> None:
    if request.promise_met_at is None:
        request.promise_met_at = now


def record_first_reply(request: ServiceRequest, now: datetime) -> None:
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


def resume_clock(request: ServiceRequest, now: datetime, actor: User | None,
                 author_name: str | None = None) -> RequestEvent:
    """Restart the paused clock: dates move on by the office time spent waiting (section 5)."""
    paused_at = request.waiting_since or now
    cal = get_calendar()
    moved = {}
    if request.resolution_due_at is not None:
        before = request.resolution_due_at
        request.resolution_due_at = extend_for_pause(before, paused_at, now, cal)
        if request.resolution_due_at != before:
            # Only a date that moved is reported as moved (the timeline says "moved to").
            moved["resolution_due_at"] = request.resolution_due_at.isoformat()
    if request.next_update_due_at is not None:
        request.next_update_due_at = extend_for_pause(
            request.next_update_due_at, paused_at, now, cal
        )
    # Promises met by a decision (applications, upgrades) pause too; first replies never do.
    if request.promise_met_at is None and not promise_of(request).first_reply:
        before = request.response_due_at
        request.response_due_at = extend_for_pause(before, paused_at, now, cal)
        if request.response_due_at != before:
            moved["response_due_at"] = request.response_due_at.isoformat()
    request.waiting_since = None
    request.status = Status.WITH_TEAM.value
    return record_event(request, EventKind.RESUMED, actor, now=now, author_name=author_name,
                        paused_at=paused_at.isoformat(), **moved)
