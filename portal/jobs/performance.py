"""Publishing last month's charter figures on the first working day after it ends.

The job runs daily (and when the worker starts, to catch up). On or after the first working
day of a month it publishes the month before, frozen, if it is not published yet; a month
already published is left alone (corrections are a staff action with a reason). If the
worker was down for longer, every month since the last one published is caught up, oldest
first, at most ``CATCH_UP_MONTHS``.
"""

from __future__ import annotations

from datetime import date, datetime

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from portal.charter import LONDON
from portal.database import utcnow
from portal.extensions import db
from portal.performance.models import PublishedMonth
from portal.performance.services import publish_month
from portal.settings.services import get_calendar
from portal.staff.public_figures import month_figures
from portal.staff.report import period_containing

CATCH_UP_MONTHS = 12


def _previous_month(day: date) -> date:
    return date(day.year - 1, 12, 1) if day.month == 1 else date(day.year, day.month - 1, 1)


def first_publication_day(month: date) -> date:
    """The first working day after ``month`` ends: the day its figures are published."""
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return get_calendar().working_day_on_or_after(following)


def months_due(now: datetime) -> list[date]:
    """The months to publish as of ``now``, oldest first."""
    today = now.astimezone(LONDON).date()
    last = _previous_month(today.replace(day=1))
    if today < first_publication_day(last):
        last = _previous_month(last)
    newest = db.session.scalar(select(func.max(PublishedMonth.month)))
    months: list[date] = []
    month = last
    while len(months) < CATCH_UP_MONTHS and (newest is None or month > newest):
        months.append(month)
        month = _previous_month(month)
        if newest is None:
            break  # a new install starts at last month; `flask performance publish` fills in
    return sorted(months)


def publish_performance(now: datetime | None = None) -> str:
    """Publish each month that is due (see the module's docstring)."""
    now = now or utcnow()
    done = []
    for month in months_due(now):
        period = period_containing("month", month)
        publish_month(month, month_figures(period, now), now)
        done.append(month.strftime("%Y-%m"))
    return f"published {', '.join(done)}" if done else "nothing to publish"


performance_cli = AppGroup("performance", help="The published charter figures.")


def publish_earlier(month: date, now: datetime) -> str:
    """Publish one month that has ended and is not yet published (filling in the history
    of a new install). A published month is left alone: corrections carry a reason."""
    if now.astimezone(LONDON).date() < first_publication_day(month):
        raise ValueError(f"{month:%B %Y} is not over yet, or its publication day has not come.")
    period = period_containing("month", month)
    row = publish_month(month, month_figures(period, now), now)
    return f"{month:%Y-%m} published at {row.published_at:%Y-%m-%d %H:%M} UTC"


@performance_cli.command("publish")
@click.option("--month", "month_text", required=True, help="The month, as YYYY-MM.")
def publish_command(month_text: str) -> None:
    """Publish an earlier month's figures now (once; never over a published month)."""
    from portal.jobs.runner import run_job

    try:
        year, month = (int(part) for part in month_text.split("-"))
        first = date(year, month, 1)
    except ValueError as exc:
        raise click.ClickException("Give the month as YYYY-MM, for example 2026-10.") from exc
    try:
        result = run_job(current_app._get_current_object(), "publish-performance",
                         lambda now: publish_earlier(first, now))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(result)
