"""Hypothesis properties of the charter clock, receipts 2015-2030 (CHARTER.md sections 2-5)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.charter import (
    DEFAULT_PROMISES,
    CalendarRules,
    RuleKind,
    WorkingCalendar,
    clock_start,
    due_at,
    extend_for_pause,
)

LONDON = ZoneInfo("Europe/London")
UTC = UTC
CAL = WorkingCalendar()

CLOCK_PROMISES = [
    p for p in DEFAULT_PROMISES.values() if p.kind is not RuleKind.CALENDAR_DAYS_BEFORE
]
DAY_PROMISES = [p for p in CLOCK_PROMISES if p.kind in (RuleKind.WORKING_DAYS, RuleKind.SAME_DAY)]
WORKING_DAY_PROMISES = [p for p in CLOCK_PROMISES if p.kind is RuleKind.WORKING_DAYS]

_any_instant = st.datetimes(
    min_value=datetime(2015, 1, 1),
    max_value=datetime(2030, 12, 31, 23, 59, 59),
    timezones=st.just(UTC),
)
# Whole minutes and whole hours hit the boundaries (09:00, 16:00, 17:00) that matter most.
instants = st.one_of(
    _any_instant,
    _any_instant.map(lambda dt: dt.replace(second=0, microsecond=0)),
    _any_instant.map(lambda dt: dt.replace(minute=0, second=0, microsecond=0)),
)
# The profile's max_examples: 200 in the full run (tests/conftest.py).
SETTINGS = settings(deadline=None)


@SETTINGS
@given(received=instants, promise=st.sampled_from(CLOCK_PROMISES))
def test_due_never_before_receipt(received: datetime, promise: object) -> None:
    start = clock_start(received, CAL).started_at
    assert start >= received
    assert due_at(promise, received, CAL) >= received  # type: ignore[arg-type]


@SETTINGS
@given(a=instants, b=instants, promise=st.sampled_from(CLOCK_PROMISES))
def test_later_receipt_never_earlier_due(a: datetime, b: datetime, promise: object) -> None:
    early, late = sorted((a, b))
    assert due_at(promise, early, CAL) <= due_at(promise, late, CAL)  # type: ignore[arg-type]


@SETTINGS
@given(received=instants, promise=st.sampled_from(DAY_PROMISES))
def test_day_promises_fall_due_at_close_on_a_working_day(
    received: datetime, promise: object
) -> None:
    due = due_at(promise, received, CAL).astimezone(LONDON)  # type: ignore[arg-type]
    assert due.time() == time(17, 0)
    assert CAL.is_working_day(due.date())


@SETTINGS
@given(received=instants, promise=st.sampled_from(CLOCK_PROMISES))
def test_out_of_hours_receipt_is_same_as_next_opening(received: datetime, promise: object) -> None:
    start = clock_start(received, CAL)
    local_start = start.started_at.astimezone(LONDON)
    if start.reason is None:
        assert start.started_at == received
    else:
        assert local_start.time() == time(9, 0)
        assert CAL.is_working_day(local_start.date())
    assert due_at(promise, received, CAL) == due_at(promise, start.started_at, CAL)  # type: ignore[arg-type]


@settings(max_examples=settings.default.max_examples // 2, deadline=None)
@given(
    received=instants,
    promise=st.sampled_from(WORKING_DAY_PROMISES),
    pick=st.integers(min_value=1, max_value=60),
)
def test_closure_inside_window_moves_due_one_working_day(
    received: datetime, promise: object, pick: int
) -> None:
    start_day = clock_start(received, CAL).started_at.astimezone(LONDON).date()
    due = due_at(promise, received, CAL)  # type: ignore[arg-type]
    due_day = due.astimezone(LONDON).date()
    target = promise.target  # type: ignore[attr-defined]
    closed = CAL.add_working_days(start_day, 1 + pick % target)  # a working day in (start, due]
    assert start_day < closed <= due_day
    cal = WorkingCalendar(CalendarRules(closure_days=frozenset({closed})))
    moved = due_at(promise, received, cal)  # type: ignore[arg-type]
    assert moved.astimezone(LONDON).date() == CAL.next_working_day(due_day)
    assert moved.astimezone(LONDON).time() == time(17, 0)


@SETTINGS
@given(a=instants, b=instants, c=instants)
def test_office_time_is_additive_and_add_inverts_it(a: datetime, b: datetime, c: datetime) -> None:
    ab = CAL.office_microseconds_between(a, b)
    bc = CAL.office_microseconds_between(b, c)
    assert ab + bc == CAL.office_microseconds_between(a, c)
    if ab > 0:
        reached = CAL.add_office_seconds(a, ab / 1_000_000)
        assert CAL.office_microseconds_between(a, reached) == ab
        assert reached <= b


@SETTINGS
@given(due=instants, paused=instants, wait=st.timedeltas(timedelta(0), timedelta(days=90)))
def test_pause_never_brings_due_forward(due: datetime, paused: datetime, wait: timedelta) -> None:
    resumed = paused + wait
    new = extend_for_pause(due, paused, resumed, CAL)
    assert new >= due
    waited = CAL.office_seconds_between(paused, resumed)
    assert abs(CAL.office_seconds_between(due, new) - waited) <= 1


@SETTINGS
@given(d=st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)), n=st.integers(0, 40))
def test_add_and_count_working_days_agree(d: date, n: int) -> None:
    later = CAL.add_working_days(d, n)
    assert later >= d
    if n > 0:
        assert CAL.working_days_between(d, later) == n
        assert CAL.is_working_day(later)
