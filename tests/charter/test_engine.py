"""Clock starts, due rules, time left, pauses and postage (CHARTER.md sections 2 to 5)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from portal.charter import (
    DEFAULT_PROMISES,
    CalendarRules,
    WorkingCalendar,
    add_office_seconds,
    arrival_window,
    arrival_wording,
    build_promises,
    clock_start,
    due_at,
    extend_for_pause,
    promise_due,
    reminder_date,
    status,
    time_left,
    update_due,
)

LONDON = ZoneInfo("Europe/London")
UTC = UTC
CAL = WorkingCalendar()


def london(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LONDON).astimezone(UTC)


# ---------------------------------------------------------------- clock start (section 2)
def test_inside_office_hours_starts_at_receipt() -> None:
    received = london(2026, 11, 25, 9, 0)
    assert clock_start(received, CAL).started_at == received
    assert clock_start(received, CAL).reason is None


@pytest.mark.parametrize(
    ("received", "started", "words"),
    [
        (london(2026, 11, 25, 8, 59), london(2026, 11, 25, 9), "before we opened"),
        (london(2026, 11, 25, 17, 0), london(2026, 11, 26, 9), "after we closed"),
        (london(2026, 11, 28, 11, 0), london(2026, 11, 30, 9), "weekend"),
        (london(2026, 12, 25, 11, 0), london(2026, 12, 29, 9), "Christmas Day"),
        (london(2026, 12, 31, 17, 30), london(2027, 1, 4, 9), "Monday 4 January 2027"),
    ],
)
def test_outside_office_hours_moves_to_next_opening(
    received: datetime, started: datetime, words: str
) -> None:
    start = clock_start(received, CAL)
    assert start.started_at == started
    assert start.reason is not None and words in start.reason
    assert "9am" in start.reason


def test_reason_years_only_when_they_differ() -> None:
    reason = clock_start(london(2026, 11, 28, 11), CAL).reason
    assert reason is not None and "2026" not in reason
    forced = clock_start(london(2026, 11, 28, 11), CAL, show_year=True).reason
    assert forced is not None and "Saturday 28 November 2026" in forced


def test_reason_for_closure_day() -> None:
    cal = WorkingCalendar(CalendarRules(closure_reasons={date(2026, 11, 30): "staff training"}))
    start = clock_start(london(2026, 11, 30, 10), cal)
    assert start.started_at == london(2026, 12, 1, 9)
    assert start.reason is not None and "staff training" in start.reason


def test_reason_for_closure_day_without_reason() -> None:
    cal = WorkingCalendar(CalendarRules(closure_days=frozenset({date(2026, 11, 30)})))
    reason = clock_start(london(2026, 11, 30, 10), cal).reason
    assert reason is not None and "office was closed" in reason and "weekend" not in reason


def test_clock_start_is_idempotent() -> None:
    start = clock_start(london(2026, 11, 28, 11), CAL).started_at
    again = clock_start(start, CAL)
    assert again.started_at == start and again.reason is None


def test_naive_receipt_raises() -> None:
    with pytest.raises(ValueError, match="naive"):
        clock_start(datetime(2026, 11, 25, 10), CAL)
    with pytest.raises(ValueError, match="naive"):
        due_at(DEFAULT_PROMISES["query"], datetime(2026, 11, 25, 10), CAL)
    with pytest.raises(ValueError, match="naive"):
        time_left(datetime(2026, 11, 25, 10), london(2026, 11, 25, 17), CAL)


# ---------------------------------------------------------------- due rules (section 3)
@pytest.mark.parametrize(
    ("received", "due"),
    [
        (london(2026, 11, 25, 15, 59, 59), london(2026, 11, 25, 17)),
        (london(2026, 11, 25, 16, 0, 0), london(2026, 11, 26, 17)),  # exactly at the cut-off
        (london(2026, 11, 25, 16, 59), london(2026, 11, 26, 17)),
        (london(2026, 11, 25, 17, 30), london(2026, 11, 26, 17)),
        (london(2026, 11, 28, 10, 0), london(2026, 11, 30, 17)),
        (london(2026, 12, 24, 16, 0), london(2026, 12, 29, 17)),
    ],
)
def test_same_day_cutoff(received: datetime, due: datetime) -> None:
    assert due_at(DEFAULT_PROMISES["employer-support"], received, CAL) == due


def test_same_day_cutoff_is_a_setting() -> None:
    cal = WorkingCalendar(CalendarRules(same_day_cutoff=time(12)))
    assert due_at(DEFAULT_PROMISES["employer-support"], london(2026, 11, 25, 12), cal) == london(
        2026, 11, 26, 17
    )


def test_working_days_across_autumn_clock_change() -> None:
    due = due_at(DEFAULT_PROMISES["query"], london(2026, 10, 23, 12), CAL)
    assert due == london(2026, 10, 28, 17) == datetime(2026, 10, 28, 17, tzinfo=UTC)


def test_callback_across_autumn_clock_change() -> None:
    due = due_at(DEFAULT_PROMISES["callback"], london(2026, 10, 23, 16), CAL)
    assert due == london(2026, 10, 26, 16)
    assert due == datetime(2026, 10, 26, 16, tzinfo=UTC)  # was 15:00 UTC on the Friday


def test_callback_from_opening_is_due_at_close_same_day() -> None:
    assert due_at(DEFAULT_PROMISES["callback"], london(2026, 11, 24, 9), CAL) == london(
        2026, 11, 24, 17
    )


def test_callback_keeps_seconds() -> None:
    received = london(2026, 11, 24, 14, 0, 37)
    assert due_at(DEFAULT_PROMISES["callback"], received, CAL) == london(2026, 11, 25, 14, 0, 37)


def test_year_end_query() -> None:
    assert due_at(DEFAULT_PROMISES["query"], london(2026, 12, 30, 12), CAL) == london(
        2027, 1, 5, 17
    )


def test_added_holiday_moves_due() -> None:
    received = london(2026, 11, 27, 16, 59)
    cal = WorkingCalendar(CalendarRules(extra_holidays={date(2026, 12, 1): "One-off bank holiday"}))
    assert due_at(DEFAULT_PROMISES["query"], received, CAL) == london(2026, 12, 2, 17)
    assert due_at(DEFAULT_PROMISES["query"], received, cal) == london(2026, 12, 3, 17)


def test_removed_substitute_day_brings_due_forward() -> None:
    received = london(2026, 12, 24, 10)
    cal = WorkingCalendar(CalendarRules(removed_holidays=frozenset({date(2026, 12, 28)})))
    assert due_at(DEFAULT_PROMISES["query"], received, cal) == london(2026, 12, 30, 17)


def test_closure_moves_due() -> None:
    cal = WorkingCalendar(CalendarRules(closure_days=frozenset({date(2026, 12, 2)})))
    assert due_at(DEFAULT_PROMISES["query"], london(2026, 11, 30, 10), cal) == london(
        2026, 12, 4, 17
    )


def test_overridden_targets() -> None:
    promises = build_promises({"query": 5, "callback": 4})
    assert due_at(promises["query"], london(2026, 11, 27, 16, 59), CAL) == london(2026, 12, 4, 17)
    assert due_at(promises["callback"], london(2026, 11, 24, 14), CAL) == london(2026, 11, 25, 10)


def test_renewal_reminder() -> None:
    assert reminder_date(date(2027, 3, 1)) == date(2027, 2, 1)
    assert reminder_date(date(2027, 1, 10)) == date(2026, 12, 13)
    with pytest.raises(ValueError):
        due_at(DEFAULT_PROMISES["renewal-reminder"], london(2026, 11, 25, 10), CAL)
    with pytest.raises(ValueError):
        reminder_date(date(2027, 3, 1), DEFAULT_PROMISES["query"])


def test_update_due_every_five_working_days() -> None:
    assert update_due(london(2026, 11, 25, 10), CAL) == london(2026, 12, 2, 17)


def test_promise_due_explanation() -> None:
    due = promise_due("query", london(2026, 11, 27, 18), CAL)
    assert due.clock_start == london(2026, 11, 30, 9)
    assert due.reason is not None
    assert due.explanation == "We will reply by 5pm on Thursday 3 December."
    cert = promise_due("certificate", london(2026, 12, 10, 11), CAL)
    assert cert.explanation.endswith("by 5pm on Tuesday 5 January 2027.")
    assert cert.reason is None


# ---------------------------------------------------------------- time left (section 7)
DUE = london(2026, 12, 3, 17)


@pytest.mark.parametrize(
    ("now", "left", "state"),
    [
        (london(2026, 12, 2, 16), 9 * 3600, "on_track"),
        (london(2026, 12, 3, 12), 5 * 3600, "on_track"),
        (london(2026, 12, 3, 13), 4 * 3600, "at_risk"),
        (london(2026, 12, 3, 17), 0, "at_risk"),
        (london(2026, 12, 3, 18), -1, "overdue"),
        (london(2026, 12, 4, 10), -3600, "overdue"),
    ],
)
def test_time_left_and_status(now: datetime, left: int, state: str) -> None:
    assert time_left(now, DUE, CAL) == left
    assert status(now, DUE, CAL) == state


def test_at_risk_threshold_is_a_parameter() -> None:
    assert status(london(2026, 12, 3, 12), DUE, CAL, at_risk_hours=6) == "at_risk"


# ---------------------------------------------------------------- pauses (section 5)
def test_pause_moves_due_by_office_time_waited() -> None:
    new = extend_for_pause(DUE, london(2026, 11, 30, 15), london(2026, 12, 1, 11), CAL)
    assert new == london(2026, 12, 4, 13)


def test_pause_over_weekend_moves_nothing() -> None:
    assert extend_for_pause(DUE, london(2026, 11, 27, 17), london(2026, 11, 30, 9), CAL) == DUE


def test_pause_of_whole_days() -> None:
    new = extend_for_pause(DUE, london(2026, 11, 30, 9), london(2026, 12, 2, 9), CAL)
    assert new == london(2026, 12, 7, 17)


def test_pause_backwards_raises() -> None:
    with pytest.raises(ValueError):
        extend_for_pause(DUE, london(2026, 12, 1, 11), london(2026, 11, 30, 15), CAL)


def test_add_office_seconds_wrapper() -> None:
    assert add_office_seconds(london(2026, 11, 27, 16), 2 * 3600, CAL) == london(2026, 11, 30, 10)


# ---------------------------------------------------------------- postage (section 4)
@pytest.mark.parametrize(
    ("dispatched", "postage", "window"),
    [
        (london(2027, 1, 5, 14), "uk-second", (date(2027, 1, 7), date(2027, 1, 8))),
        (london(2026, 12, 24, 10), "uk-first", (date(2026, 12, 29), date(2026, 12, 30))),
        # The post runs on Saturdays: Sat 28 Nov and Sat 5 Dec count.
        (london(2026, 11, 27, 10), "international", (date(2026, 12, 3), date(2026, 12, 9))),
        (london(2026, 11, 28, 10), "uk-first", (date(2026, 11, 30), date(2026, 12, 1))),
    ],
)
def test_arrival_window(dispatched: datetime, postage: str, window: tuple[date, date]) -> None:
    assert arrival_window(dispatched, postage, CAL) == window


def test_arrival_window_counts_postal_days_not_closure_days() -> None:
    """CHARTER.md section 9: an office closure does not stop the post; bank holidays and
    Sundays do."""
    closed = WorkingCalendar(CalendarRules(closure_days=frozenset(
        {date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)})))
    # The office is shut 29 to 31 December; 25, 26 and 28 December are bank holidays.
    assert arrival_window(london(2026, 12, 23, 12), "uk-first", closed) == (
        date(2026, 12, 24), date(2026, 12, 29))
    assert arrival_window(london(2026, 12, 24, 12), "uk-second", closed) == (
        date(2026, 12, 30), date(2026, 12, 31))
    # Sunday never counts; Saturday does.
    assert arrival_window(london(2027, 1, 8, 12), "uk-first", CAL) == (
        date(2027, 1, 9), date(2027, 1, 11))


def test_arrival_window_custom_and_unknown() -> None:
    assert arrival_window(london(2027, 1, 5, 14), "courier", CAL, {"courier": (1, 1)}) == (
        date(2027, 1, 6),
        date(2027, 1, 6),
    )
    with pytest.raises(ValueError):
        arrival_window(london(2027, 1, 5, 14), "pigeon", CAL)


def test_arrival_wording() -> None:
    assert (
        arrival_wording((date(2027, 1, 7), date(2027, 1, 8)))
        == "between Thursday 7 January and Friday 8 January"
    )
    assert arrival_wording((date(2027, 1, 6), date(2027, 1, 6))) == "on Wednesday 6 January"
