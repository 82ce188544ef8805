"""Jinja filters and globals: dates in London time and plain words."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def london_date(value: date | datetime | None, with_year: bool = True) -> str:
    """'Thursday 3 December 2026'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date()
    text = f"{value:%A} {value.day} {value:%B}"
    return f"{text} {value.year}" if with_year else text


def london_time(value: datetime) -> str:
    """'5pm', '9:30am', '12 noon'."""
    local = value.astimezone(LONDON)
    if local.hour == 12 and local.minute == 0:
        return "12 noon"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def london_datetime(value: datetime | None, with_year: bool = True) -> str:
    """'5pm on Thursday 3 December 2026'."""
    if value is None:
        return ""
    return f"{london_time(value)} on {london_date(value, with_year)}"


def register(app) -> None:
    app.jinja_env.filters["london_date"] = london_date
    app.jinja_env.filters["london_datetime"] = london_datetime
    app.jinja_env.filters["london_time"] = london_time
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
