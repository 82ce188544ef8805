"""Every worked example in CHARTER.md section 8: London times, compared as UTC instants."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from portal.charter import DEFAULT_PROMISES, WorkingCalendar, clock_start, due_at, promise_due

LONDON = ZoneInfo("Europe/London")
CAL = WorkingCalendar()


def london(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LONDON).astimezone(UTC)


EXAMPLES = [
    ("query", london(2026, 11, 27, 16, 59), london(2026, 12, 2, 17, 0)),
    ("query", london(2026, 11, 27, 18, 0), london(2026, 12, 3, 17, 0)),
    ("query", london(2026, 12, 24, 10, 0), london(2026, 12, 31, 17, 0)),
    ("callback", london(2026, 11, 24, 14, 0), london(2026, 11, 25, 14, 0)),
    ("callback", london(2026, 11, 24, 19, 0), london(2026, 11, 25, 17, 0)),
    ("callback", london(2026, 3, 27, 16, 0), london(2026, 3, 30, 16, 0)),
    ("employer-support", london(2026, 11, 25, 15, 59), london(2026, 11, 25, 17, 0)),
    ("employer-support", london(2026, 11, 25, 16, 30), london(2026, 11, 26, 17, 0)),
    ("complaint", london(2027, 3, 25, 12, 0), london(2027, 4, 1, 17, 0)),
    ("certificate", london(2026, 12, 10, 11, 0), london(2027, 1, 5, 17, 0)),
]


@pytest.mark.parametrize(("code", "received", "expected"), EXAMPLES)
def test_worked_example(code: str, received: datetime, expected: datetime) -> None:
    due = due_at(DEFAULT_PROMISES[code], clock_start(received, CAL).started_at, CAL)
    assert due == expected
    assert due.tzinfo is UTC
    assert promise_due(code, received, CAL).due == expected


def test_example_clock_start_moves_to_monday_morning() -> None:
    start = clock_start(london(2026, 11, 27, 18, 0), CAL)
    assert start.started_at == london(2026, 11, 30, 9, 0)
    assert start.reason is not None and "9am on Monday 30 November" in start.reason


def test_spring_example_is_one_hour_earlier_in_utc() -> None:
    # Fri 16:00 GMT is 16:00 UTC; Mon 16:00 BST is 15:00 UTC.
    due = promise_due("callback", london(2026, 3, 27, 16, 0), CAL).due
    assert due == datetime(2026, 3, 30, 15, 0, tzinfo=UTC)
