"""The rules a working calendar is built from (CHARTER.md section 1): office hours, the
cut-off, closure days and bank-holiday corrections, plus England and Wales bank holidays and
what the phone lines say now. Plain data; :class:`~.calendar.WorkingCalendar` does the sums."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

import holidays

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def seconds_of_day(t: time) -> int:
    """Seconds after midnight of a wall-clock time (microseconds ignored on purpose)."""
    return t.hour * 3600 + t.minute * 60 + t.second


@dataclass(frozen=True)
class CalendarRules:
    """Administrator-editable settings for the calendar (CHARTER.md section 1).

    ``extra_holidays`` and ``removed_holidays`` correct the maintained bank-holiday list
    without a code change (one-off holidays are announced at short notice).
    ``closure_days`` are the organisation's own closures; ``closure_reasons`` may give a
    short reason for some of them ("Office move"). A date listed in ``closure_reasons`` is a
    closure even if it is missing from ``closure_days``.
    """

    office_open: time = time(9, 0)
    office_close: time = time(17, 0)
    same_day_cutoff: time = time(16, 0)
    closure_days: frozenset[date] = frozenset()
    closure_reasons: Mapping[date, str] = field(default_factory=dict)
    extra_holidays: Mapping[date, str] = field(default_factory=dict)
    removed_holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        for name in ("office_open", "office_close", "same_day_cutoff"):
            value = getattr(self, name)
            if not isinstance(value, time):
                raise TypeError(f"{name} must be a datetime.time")
            if value.tzinfo is not None:
                raise ValueError(f"{name} is London wall-clock time and must not carry a tzinfo")
        if seconds_of_day(self.office_open) >= seconds_of_day(self.office_close):
            raise ValueError("office_open must be before office_close")
        # Frozen dataclasses need object.__setattr__ to normalise fields; we normalise so that
        # callers may pass plain sets and dicts and still get an immutable, hashable-ish value.
        object.__setattr__(self, "closure_days", frozenset(self.closure_days))
        object.__setattr__(self, "removed_holidays", frozenset(self.removed_holidays))
        object.__setattr__(self, "closure_reasons", dict(self.closure_reasons))
        object.__setattr__(self, "extra_holidays", dict(self.extra_holidays))

    def __hash__(self) -> int:
        # The mappings make the generated hash fail; hashing by content lets the app cache one
        # WorkingCalendar per rule set (e.g. with functools.lru_cache).
        return hash(
            (
                self.office_open,
                self.office_close,
                self.same_day_cutoff,
                self.closure_days,
                frozenset(self.closure_reasons.items()),
                frozenset(self.extra_holidays.items()),
                self.removed_holidays,
            )
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CalendarRules:
        """Rules from plain data (a JSON/TOML file or a settings row), section 1.

        Times are "HH:MM" strings, dates ISO "YYYY-MM-DD"; every key is optional::

            {"office_open": "09:00", "office_close": "17:00", "same_day_cutoff": "16:00",
             "closures": {"2026-12-24": "Office party"}, "closure_days": ["2026-12-31"],
             "extra_holidays": {"2027-06-04": "Extra bank holiday"},
             "removed_holidays": ["2026-12-28"]}
        """
        defaults = cls()

        def when(key: str, default: time) -> time:
            value = data.get(key)
            return time.fromisoformat(value) if isinstance(value, str) else (value or default)

        def day(value: Any) -> date:
            return value if isinstance(value, date) else date.fromisoformat(str(value))

        return cls(
            office_open=when("office_open", defaults.office_open),
            office_close=when("office_close", defaults.office_close),
            same_day_cutoff=when("same_day_cutoff", defaults.same_day_cutoff),
            closure_days=frozenset(day(v) for v in data.get("closure_days", ())),
            closure_reasons={day(k): str(v) for k, v in dict(data.get("closures", {})).items()},
            extra_holidays={
                day(k): str(v) for k, v in dict(data.get("extra_holidays", {})).items()
            },
            removed_holidays=frozenset(day(v) for v in data.get("removed_holidays", ())),
        )

    def to_dict(self) -> dict[str, Any]:
        """The inverse of :meth:`from_dict`, with sorted ISO strings (stable for storage)."""
        return {
            "office_open": self.office_open.strftime("%H:%M"),
            "office_close": self.office_close.strftime("%H:%M"),
            "same_day_cutoff": self.same_day_cutoff.strftime("%H:%M"),
            "closure_days": sorted(d.isoformat() for d in self.closure_days),
            "closures": {d.isoformat(): r for d, r in sorted(self.closure_reasons.items())},
            "extra_holidays": {d.isoformat(): n for d, n in sorted(self.extra_holidays.items())},
            "removed_holidays": sorted(d.isoformat() for d in self.removed_holidays),
        }

    def all_closures(self) -> frozenset[date]:
        """Every organisation closure date, whether or not it has a reason."""
        return self.closure_days | frozenset(self.closure_reasons)


@dataclass(frozen=True)
class PhoneLines:
    """Whether the phone lines are open now, and when that changes (CHARTER.md section 1).

    Exactly one of ``closes_at`` (lines open) and ``opens_at`` (lines closed) is set; both
    are aware UTC instants.
    """

    is_open: bool
    closes_at: datetime | None = None
    opens_at: datetime | None = None


@lru_cache(maxsize=8)
def bank_holidays(first_year: int, last_year: int) -> dict[date, str]:
    """England & Wales bank holidays from the maintained ``holidays`` package.

    ``subdiv="ENG"`` matters: without it the package returns UK-wide days only and would miss
    none for England today, but would add Scottish or Northern Irish days for other subdivisions.
    Cached because building the list takes ~0.1 s and calendars are rebuilt whenever an
    administrator changes a rule.
    """
    found = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    # The package says "(observed)"; people in England say "substitute day".
    return {d: name.replace("(observed)", "(substitute day)") for d, name in found.items()}

