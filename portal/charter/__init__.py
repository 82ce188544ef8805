"""The charter clock: working calendar, promises and due dates (docs: /shared/CHARTER.md).

Pure Python (no Flask, no database): the app builds a :class:`WorkingCalendar` from the
administrator's :class:`CalendarRules`, picks the promises in force, and stores what these
functions compute with each case.
"""

from .calendar import LONDON, UTC, CalendarRules, PhoneLines, WorkingCalendar
from .engine import (
    DEFAULT_POSTAGE,
    POSTAGE_LABELS,
    ClockStart,
    Due,
    add_office_seconds,
    arrival_window,
    arrival_wording,
    clock_start,
    due_at,
    extend_for_pause,
    promise_due,
    reminder_date,
    status,
    time_left,
    update_due,
)
from .promises import (
    DEFAULT_PROMISES,
    DEFAULT_TARGETS,
    PROMISE_CODES,
    PolicyVersion,
    Promise,
    RuleKind,
    build_promises,
    describe,
)
from .wording import (
    format_clock_time,
    format_date,
    format_london,
    format_london_date,
    format_london_time,
)

__all__ = [
    "DEFAULT_POSTAGE",
    "DEFAULT_PROMISES",
    "DEFAULT_TARGETS",
    "LONDON",
    "POSTAGE_LABELS",
    "PROMISE_CODES",
    "UTC",
    "CalendarRules",
    "ClockStart",
    "Due",
    "PhoneLines",
    "PolicyVersion",
    "Promise",
    "RuleKind",
    "WorkingCalendar",
    "add_office_seconds",
    "arrival_window",
    "arrival_wording",
    "build_promises",
    "clock_start",
    "describe",
    "due_at",
    "extend_for_pause",
    "format_clock_time",
    "format_date",
    "format_london",
    "format_london_date",
    "format_london_time",
    "promise_due",
    "reminder_date",
    "status",
    "time_left",
    "update_due",
]
