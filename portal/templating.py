"""The app-wide Jinja filters: dates and times in London words, and a promise's verb
(CHARTER.md sections 1 and 4). Registered by ``create_app``.

The wording itself lives in ``portal.charter.wording`` so screens, emails and the command
line say dates the same way.
"""

from __future__ import annotations

from datetime import date, datetime

from portal.charter import DEFAULT_PROMISES
from portal.charter.wording import (
    callback_preference_words,
    date_words,
    format_clock_time,
    format_date,
    format_london,
    format_london_date,
    format_london_time,
    london_year,
    on_hold_words,
    promise_words,
)
from portal.clock import london_today
from portal.database import utcnow

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


def iso_date(text: str | None) -> str:
    """A date stored as ISO text (in an event's data): 'Thursday 3 December 2026'."""
    try:
        return format_date(date.fromisoformat(text)) if text else ""
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


def promise_line(r) -> str:
    """What a customer is told about a request's first promise now: due, missed (with an
    apology and what happens next) or done, on time or late (CHARTER.md section 9)."""
    return promise_words(promise_action(r.promise_code), r.response_due_at, r.promise_met_at,
                         utcnow())[1]


def promise_state(r) -> str:
    """``due``, ``missed``, ``met`` or ``late``: see :func:`promise_line`."""
    return promise_words(promise_action(r.promise_code), r.response_due_at, r.promise_met_at,
                         utcnow())[0]


def register(app) -> None:
    app.jinja_env.globals.update(promise_line=promise_line, promise_state=promise_state,
                                 on_hold_words=on_hold_words, date_words=date_words,
                                 callback_note=callback_preference_words)

    @app.context_processor
    def _now():
        # One instant per page, so every "missed" and "due" on it agrees.
        return {"now": utcnow()}
    from portal.help.render import article_html

    app.jinja_env.filters.update(
        article_html=article_html,
        when=when,
        iso_when=iso_when,
        iso_date=iso_date,
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
        from portal.settings.services import contact_details, phone_lines_text

        return {"phone_lines_text": phone_lines_text, "contact_details": contact_details,
                "live_watch": _live_watch}

    @app.context_processor
    def _service_problems():
        # Lazy: only staff and administrators' pages ask (templates/base.html), so the portal
        # itself tells them when mail or Redis is down (portal/health.py).
        from portal.health import problems

        return {"service_problems": problems}


def _live_watch(kind: str, ident: int) -> dict:
    """What a live region needs to watch ``kind``/``ident`` (see portal.requests.live): its
    signed state URL, the tag of what is on the page now, and how often to ask."""
    from flask import url_for

    from portal.requests import live

    return {
        "state_url": url_for("visitor.live_state", key=live.state_key(kind, ident)),
        "etag": live.etag_of(kind, ident),
        "poll_ms": live.poll_milliseconds(),
    }
