"""``flask charter``: the engine from the command line, for operators and support staff."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime

import click
from flask.cli import AppGroup

from portal.charter import LONDON, PROMISE_CODES, UTC, promise_due, reminder_date
from portal.charter.wording import format_date

charter_cli = AppGroup("charter", help="The charter clock: due dates and the working calendar.")

TIME_FORMAT_HELP = (
    "Give the time received in ISO 8601, for example 2026-11-27T16:59 (London time) "
    "or 2026-11-27T16:59:00+00:00."
)


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(2)


def _parse_received(text: str) -> datetime:
    """ISO 8601; a time without an offset is London time, one with an offset is converted."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        _fail(f"Cannot read the time {text!r}. {TIME_FORMAT_HELP}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=LONDON)
        # A wall time skipped or repeated by a clock change is ambiguous: refuse it plainly.
        round_trip = value.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None)
        if round_trip != value.replace(tzinfo=None):
            _fail(f"{text!r} does not exist in London (the clocks changed). {TIME_FORMAT_HELP}")
    return value.astimezone(UTC)


def _calendar_and_promises():
    """The calendar and targets in force; the charter defaults if the database is not set up."""
    from sqlalchemy.exc import SQLAlchemyError

    from portal.charter import DEFAULT_PROMISES, WorkingCalendar
    from portal.extensions import db
    from portal.settings.services import current_promises, get_calendar

    try:
        return get_calendar(), current_promises()
    except SQLAlchemyError:
        db.session.rollback()
        click.echo("(database not set up: using the charter's default calendar)", err=True)
        return WorkingCalendar(), dict(DEFAULT_PROMISES)


@charter_cli.command("due")
@click.argument("code")
@click.argument("received")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print code, received, clock_start, due and explanation as a JSON object.",
)
def due_command(code: str, received: str, as_json: bool) -> None:
    """Print when promise CODE falls due for something received at RECEIVED.

    For renewal-reminder, RECEIVED is the renewal date and the reminder date is printed.
    """
    if code not in PROMISE_CODES:
        _fail(f"Unknown promise {code!r}. Valid codes: {', '.join(PROMISE_CODES)}.")
    calendar, promises = _calendar_and_promises()
    if code == "renewal-reminder":
        try:
            renewal = date.fromisoformat(received.strip()[:10])
        except ValueError:
            _fail(f"Cannot read the renewal date {received!r}. Give a date like 2027-01-31.")
        remind_on = reminder_date(renewal, promises[code])
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "code": code,
                        "renewal_date": renewal.isoformat(),
                        "due": remind_on.isoformat(),
                        "explanation": f"We will remind you on {format_date(remind_on)}.",
                    }
                )
            )
        else:
            click.echo(remind_on.isoformat())
        return
    instant = _parse_received(received)
    try:
        result = promise_due(code, instant, calendar, promises)
    except ValueError as exc:
        _fail(f"Cannot work out a due date for {received!r}: {exc}")

    def london(value: datetime) -> str:
        return value.astimezone(LONDON).isoformat()

    if as_json:
        click.echo(
            json.dumps(
                {
                    "code": code,
                    "received": london(result.received),
                    "clock_start": london(result.clock_start),
                    "clock_start_reason": result.reason,
                    "due": london(result.due),
                    "explanation": result.explanation,
                }
            )
        )
    else:
        click.echo(london(result.due))


@charter_cli.command("calendar")
@click.argument("year", type=click.IntRange(2010, 2040))
def calendar_command(year: int) -> None:
    """List YEAR's weekdays that are not working days, with the reason for each."""
    calendar, _promises = _calendar_and_promises()
    for day, reason in calendar.non_working_weekdays(year):
        click.echo(f"{day.isoformat()}  {day:%a}  {reason}")
