"""Jinja filters and globals: dates in London time and plain words (CHARTER.md §1).

The wording itself lives in ``portal.charter.wording`` so screens, emails and the command
line say dates the same way.
"""

from __future__ import annotations

from datetime import date, datetime

from portal.charter.wording import (
    LONDON,
    format_clock_time,
    format_date,
    format_london,
    format_london_date,
    format_london_time,
)

__all__ = ["LONDON", "london_date", "london_datetime", "london_time", "london_today", "register"]


def london_today() -> date:
    return datetime.now(LONDON).date()


def london_date(value: date | datetime | None, with_year: bool = True) -> str:
    """'Thursday 3 December 2026'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_london_date(value, with_year)
    return format_date(value, with_year)


def london_time(value: datetime | None) -> str:
    """'5pm', '9:30am', 'midday'."""
    return "" if value is None else format_london_time(value)


def london_datetime(value: datetime | None, with_year: bool = True) -> str:
    """'5pm on Thursday 3 December 2026'."""
    return "" if value is None else format_london(value, with_year)


def register(app) -> None:
    app.jinja_env.filters["london_date"] = london_date
    app.jinja_env.filters["london_datetime"] = london_datetime
    app.jinja_env.filters["london_time"] = london_time
    app.jinja_env.filters["clock_time"] = format_clock_time
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _phone_lines():
        # Lazy: only pages that show the header's phone-lines line pay for the calendar.
        from portal.settings.services import phone_lines_text

        return {"phone_lines_text": phone_lines_text}
