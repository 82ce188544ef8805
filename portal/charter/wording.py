"""Plain-English dates and times in London time (CHARTER.md sections 1, 2 and 6).

House style, used everywhere so screens, emails and reports agree:

* times: "9am", "5pm", "4:30pm", "midday", "midnight" (12-hour clock, no leading zero,
  minutes only when not on the hour, seconds never shown);
* dates: "Thursday 3 December", with " 2026" appended when the year is wanted;
* together: "5pm on Thursday 3 December".
"""

from __future__ import annotations

from datetime import date, datetime, time

from .calendar import LONDON

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _london(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("naive datetime: charter instants must be timezone-aware (UTC)")
    return instant.astimezone(LONDON)


def format_clock_time(t: time | datetime) -> str:
    """A wall-clock time as people say it: "9am", "4:30pm", "midday", "midnight"."""
    hour, minute = t.hour, t.minute
    if minute == 0 and hour == 12:
        return "midday"
    if minute == 0 and hour == 0:
        return "midnight"
    suffix = "am" if hour < 12 else "pm"
    h12 = hour % 12 or 12
    return f"{h12}{suffix}" if minute == 0 else f"{h12}:{minute:02d}{suffix}"


def format_date(d: date, with_year: bool = True) -> str:
    """A date as "Thursday 3 December 2026" (or without the year)."""
    text = f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]}"
    return f"{text} {d.year}" if with_year else text


def format_london_date(instant: datetime, with_year: bool = False) -> str:
    """The London date of an aware instant: "Thursday 3 December"."""
    return format_date(_london(instant).date(), with_year)


def format_london_time(instant: datetime) -> str:
    """The London wall-clock time of an aware instant: "5pm"."""
    return format_clock_time(_london(instant))


def format_london(instant: datetime, with_year: bool = False) -> str:
    """An aware instant in London time: "5pm on Thursday 3 December" (section 1).

    Seconds are dropped, never rounded up, so the words never promise later than the
    engine does.
    """
    local = _london(instant)
    return f"{format_clock_time(local)} on {format_date(local.date(), with_year)}"


def london_year(instant: datetime) -> int:
    """The year of an aware instant in London."""
    return _london(instant).year


def office_time_left(seconds: int, office_day_seconds: int) -> str:
    """Office time before (or past) a due instant, as staff read it in queues:
    "1 working day 2 hours left", "overdue by 3 hours 5 minutes" (CHARTER.md section 7)."""
    amount = abs(seconds)
    days, rest = divmod(amount, office_day_seconds)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(f"{days} working day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes and not days:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    words = " ".join(parts) or "less than a minute"
    return f"overdue by {words}" if seconds < 0 else f"{words} left"
