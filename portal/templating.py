"""The app-wide Jinja filters: dates and times in London words, and a promise's verb
(CHARTER.md sections 1 and 4). Registered by ``create_app``.

The wording itself lives in ``portal.charter.wording`` so screens, emails and the command
line say dates the same way.
"""

from __future__ import annotations

from datetime import date, datetime

from portal.charter import DEFAULT_PROMISES
from portal.charter.wording import (
    format_clock_time,
    format_date,
    format_london,
    format_london_date,
    format_london_time,
    london_year,
)
from portal.clock import london_today

__all__ = ["iso_when", "london_date", "london_time", "promise_action", "register", "when"]


def when(value: datetime | None, with_year: bool | None = None) -> str:
    """An instant in London words: '5pm on Thursday 3 December'. The year is added when
    ``with_year`` is true and left out when it is false; by default it is added only when
    the instant is not in this year."""
    if value is None:
        return ""
    if with_year is None:
        with_year = london_year(value) != london_today().year
    return format_london(value, with_year)


def iso_when(text: str | None) -> str:
    """An instant stored as ISO text (in an event's data), in London words."""
    try:
        return when(datetime.fromisoformat(text)) if text else ""
    except ValueError:
        return ""


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


def promise_action(code: str) -> str:
    """'reply', 'call you back': the verb of a promise, for "We will ... by ..."."""
    return DEFAULT_PROMISES[code].action


def register(app) -> None:
    from portal.help.render import article_html

    app.jinja_env.filters.update(
        article_html=article_html,
        when=when,
        iso_when=iso_when,
        london_date=london_date,
        london_time=london_time,
        clock_time=format_clock_time,
        promise_action=promise_action,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _phone_lines():
        # Lazy: only pages that show the header's phone-lines line pay for the calendar.
        from portal.settings.services import phone_lines_text

        return {"phone_lines_text": phone_lines_text}
