"""Clock starts, due dates, time left, pauses and postage (CHARTER.md sections 2 to 5).

Everything here is a pure function of its arguments and a :class:`WorkingCalendar`; nothing
reads settings, the clock or a database, so the app can store what it computed and recompute
it later with the same inputs (section 5).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from .calendar import WorkingCalendar
from .promises import DEFAULT_PROMISES, Promise, RuleKind
from .wording import format_clock_time, format_date, format_london

UTC = UTC
_US = 1_000_000

# The engine reads the calendar's precomputed arrays directly (same package) because the
# bench target of 200,000 due dates a second leaves no room for extra method calls.


@dataclass(frozen=True)
class ClockStart:
    """When a request's clock started, and why if that differs from receipt (section 2)."""

    started_at: datetime
    reason: str | None = None


@dataclass(frozen=True)
class Due:
    """Everything a customer is shown about one promise on one request (sections 2, 3 and 6)."""

    code: str
    received: datetime
    clock_start: datetime
    reason: str | None
    due: datetime
    explanation: str


def _start_parts(received: datetime, cal: WorkingCalendar) -> tuple[int, int, int, int, int]:
    """Locate a receipt: (working-day index of clock start, start second-of-day, microsecond,
    receipt ordinal, receipt second-of-day). Start second-of-day is -1 when the clock was moved
    to the next opening (its second-of-day is then the opening time)."""
    ordinal, sod, micro = cal.local_parts(received)
    i = ordinal - cal._base
    index = cal._count_before[i]
    if cal._is_working[i] and sod >= cal.open_s:
        if sod < cal.close_s:
            return index, sod, micro, ordinal, sod
        index += 1
    return index, -1, 0, ordinal, sod


def _utc(instant: datetime) -> datetime:
    return instant if instant.tzinfo is UTC else instant.astimezone(UTC)


def clock_start(
    received: datetime, cal: WorkingCalendar, show_year: bool | None = None
) -> ClockStart:
    """When the clock starts for something received at ``received`` (CHARTER.md section 2).

    Inside office hours on a working day it starts at that instant (reason ``None``).
    Otherwise it starts at opening time on the next working day and ``reason`` says why in
    plain words. ``show_year`` forces years on or off in the reason; by default they appear
    only when the two dates fall in different years. Naive datetimes raise ``ValueError``.
    """
    index, start_sod, _micro, ordinal, sod = _start_parts(received, cal)
    if start_sod >= 0:
        return ClockStart(_utc(received), None)
    started = cal.opening(index)
    return ClockStart(started, _start_reason(cal, ordinal, sod, index, show_year))


def _start_reason(
    cal: WorkingCalendar, ordinal: int, sod: int, index: int, show_year: bool | None
) -> str:
    got = date.fromordinal(ordinal)
    start_day = cal.working_date(index)
    years = show_year if show_year is not None else got.year != start_day.year
    when_got = format_date(got, years)
    when_start = f"{format_clock_time(cal.rules.office_open)} on {format_date(start_day, years)}"
    why_closed = cal.non_working_reason(got)
    if why_closed is None:
        opens = format_clock_time(cal.rules.office_open)
        hours = f"{opens} to {format_clock_time(cal.rules.office_close)}"
        timing = "before we opened" if sod < cal.open_s else "after we closed"
        return (
            f"Your request reached us on {when_got}, {timing} (our office hours are {hours}), "
            f"so we began counting from {when_start}."
        )
    if cal.is_bank_holiday(got):
        closed = f"a bank holiday ({why_closed})"
    elif got in cal.rules.all_closures():
        detail = cal.rules.closure_reasons.get(got)
        closed = (
            f"a day our office was closed ({detail})" if detail else "a day our office was closed"
        )
    else:
        closed = "when our office is closed for the weekend"
    return (
        f"Your request reached us on {when_got}, {closed}, so we began counting from {when_start}."
    )


def due_at(promise: Promise, clock_started_at: datetime, cal: WorkingCalendar) -> datetime:
    """When ``promise`` falls due for a clock started at ``clock_started_at`` (section 3).

    * WORKING_DAYS n: 17:00 (office close) on the nth working day after the start day.
    * OFFICE_HOURS n: n office hours after the start (callback: same time next working day).
    * SAME_DAY: close on the start day, or on the next working day if the clock started at
      or after the same-day cut-off.

    The start is normalised by the section 2 rule first, so passing a receipt instant gives
    the same answer as passing its clock start (a certificate's sign-off instant is handled
    this way too). CALENDAR_DAYS_BEFORE promises have no clock: use :func:`reminder_date`.
    """
    index, start_sod, micro, _ordinal, _sod = _start_parts(clock_started_at, cal)
    kind = promise.kind
    if kind is RuleKind.WORKING_DAYS:
        return cal.closing(index + promise.target)
    if kind is RuleKind.SAME_DAY:
        # A clock moved to the next opening started at opening time, which only matters if an
        # administrator set the cut-off at or before opening.
        started_sod = start_sod if start_sod >= 0 else cal.open_s
        return cal.closing(index + 1 if started_sod >= cal.cutoff_s else index)
    if kind is RuleKind.OFFICE_HOURS:
        position = index * cal.day_us
        if start_sod >= 0:
            position += (start_sod - cal.open_s) * _US + micro
        return cal._instant_at_position(position + promise.target * 3600 * _US)
    raise ValueError(
        f"{promise.code} is due relative to a date, not a clock start: use reminder_date()"
    )


def promise_due(
    code: str,
    received: datetime,
    cal: WorkingCalendar,
    promises: Mapping[str, Promise] = DEFAULT_PROMISES,
) -> Due:
    """Clock start, due date and the customer's sentence for one request (sections 2 to 4).

    The explanation reads like "We will reply by 5pm on Thursday 3 December." and includes
    the year when the due date falls in a different year from receipt.
    """
    promise = promises[code]
    start = clock_start(received, cal)
    due = due_at(promise, start.started_at, cal)
    received_utc = _utc(received)
    london_received_year = cal.to_london(received_utc).year
    with_year = cal.to_london(due).year != london_received_year
    explanation = f"We will {promise.action} by {format_london(due, with_year)}."
    return Due(code, received_utc, start.started_at, start.reason, due, explanation)


def reminder_date(
    renewal_date: date, promise: Promise = DEFAULT_PROMISES["renewal-reminder"]
) -> date:
    """The date a renewal reminder is due: ``target`` calendar days before renewal (section 3)."""
    if promise.kind is not RuleKind.CALENDAR_DAYS_BEFORE:
        raise ValueError(f"{promise.code} is not a days-before promise")
    return renewal_date - timedelta(days=promise.target)


def update_due(
    last_update: datetime, cal: WorkingCalendar, every_working_days: int = 5
) -> datetime:
    """When the next progress update is due on a case with an agreed timescale (section 5).

    Same rule as an N-working-days promise, counted from the last update (or the agreement).
    """
    index, _s, _m, _o, _d = _start_parts(last_update, cal)
    return cal.closing(index + every_working_days)


# ---------------------------------------------------------------------- time left (section 7)
def time_left(now: datetime, due: datetime, cal: WorkingCalendar) -> int:
    """Office seconds from ``now`` until ``due``; negative once overdue (CHARTER.md section 7).

    Office time stands still outside office hours, so a promise due at 5pm that is still open
    at 8pm has used no further office time; it is nonetheless overdue, and this returns at
    least ``-1`` whenever ``now`` is after ``due`` so the sign alone tells the state.
    """
    left = cal.office_seconds_between(now, due)
    if _utc(now) > _utc(due):
        return min(left, -1)
    return left


def status(now: datetime, due: datetime, cal: WorkingCalendar, at_risk_hours: float = 4) -> str:
    """State of a promise for staff queues (CHARTER.md section 7).

    "overdue" once ``now`` is past ``due``; "at_risk" with at most ``at_risk_hours`` office
    hours left; otherwise "on_track".
    """
    left = time_left(now, due, cal)
    if left < 0:
        return "overdue"
    if left <= at_risk_hours * 3600:
        return "at_risk"
    return "on_track"


# ---------------------------------------------------------------------- pauses (section 5)
def add_office_seconds(instant: datetime, seconds: float, cal: WorkingCalendar) -> datetime:
    """``seconds`` of office time after ``instant`` (sections 3 and 5); see the calendar method."""
    return cal.add_office_seconds(instant, seconds)


def extend_for_pause(
    due: datetime, paused_at: datetime, resumed_at: datetime, cal: WorkingCalendar
) -> datetime:
    """Move a resolution date on by the office time spent waiting for the customer (section 5).

    Only office time inside the pause counts (a pause from Friday 5pm to Monday 9am moves
    nothing). The caller must not pause first-reply promises (``Promise.first_reply``).
    """
    if _utc(resumed_at) < _utc(paused_at):
        raise ValueError("resumed_at is before paused_at")
    waited = cal.office_microseconds_between(paused_at, resumed_at)
    if waited == 0:
        return _utc(due)
    return cal._instant_at_position(cal.office_position(due) + waited)


# ---------------------------------------------------------------------- postage (section 4)
#: Postal days after dispatch: (earliest, latest). A setting; these are the charter's examples.
DEFAULT_POSTAGE: dict[str, tuple[int, int]] = {
    "uk-second": (2, 3),
    "uk-first": (1, 2),
    "international": (5, 10),
}

#: Labels for the postage classes, for screens and emails.
POSTAGE_LABELS: dict[str, str] = {
    "uk-second": "UK second class",
    "uk-first": "UK first class",
    "international": "International",
}


def arrival_window(
    dispatched_at: datetime,
    postage_class: str,
    cal: WorkingCalendar,
    windows: Mapping[str, tuple[int, int]] = DEFAULT_POSTAGE,
) -> tuple[date, date]:
    """Expected (earliest, latest) arrival dates for a posting at ``dispatched_at`` (section 4).

    Counted in postal days from the London date of dispatch (that day is day 0, as in
    section 3): the post runs Monday to Saturday except bank holidays, and the
    organisation's own closure days do not delay it (CHARTER.md section 9).
    """
    try:
        earliest, latest = windows[postage_class]
    except KeyError:
        raise ValueError(f"unknown postage class {postage_class!r}") from None
    ordinal, _sod, _micro = cal.local_parts(dispatched_at)
    day = date.fromordinal(ordinal)
    return cal.add_postal_days(day, earliest), cal.add_postal_days(day, latest)


def arrival_wording(window: tuple[date, date], with_year: bool = False) -> str:
    """The window in words: "between Monday 4 January and Wednesday 6 January"."""
    first, last = window
    if first == last:
        return f"on {format_date(first, with_year)}"
    return f"between {format_date(first, with_year)} and {format_date(last, with_year)}"
