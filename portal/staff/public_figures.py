"""A month's figures as the public performance page publishes them (CHARTER.md §7 and §9).

The promise rows are the staff report's own :func:`portal.staff.report.figures_for`, taken
as they stand, so a published month always equals the staff report's CSV for that month.
Beside them: the complaints figures a regulator asks for, and each promise's target in
words with the unit its times are shown in. Nothing here names a person or an
organisation: only counts and times are kept.
"""

from __future__ import annotations

from datetime import date, datetime
from statistics import median

from sqlalchemy import and_, func, or_, select

from portal.charter import Promise, RuleKind, WorkingCalendar
from portal.database import utcnow
from portal.extensions import db
from portal.performance.services import correct_month, published_month
from portal.requests.models import PROMISE_OF_KIND, Kind
from portal.settings.services import current_promises, get_calendar
from portal.staff.report import SR, Figures, Period, figures_for, period_containing

SCHEMA_VERSION = 1


def target_words(promise: Promise) -> str:
    """The target as a person says it: '3 working days', 'the same working day'."""
    n = promise.target
    if promise.kind == RuleKind.WORKING_DAYS:
        return "1 working day" if n == 1 else f"{n} working days"
    if promise.kind == RuleKind.OFFICE_HOURS:
        return "1 working day (8 office hours)" if n == 8 else f"{n} office hours"
    if promise.kind == RuleKind.SAME_DAY:
        return "the same working day"
    weeks, days = divmod(n, 7)
    return (f"{weeks} weeks" if not days else f"{n} days") + " before the date"


def _unit(promise: Promise | None) -> str:
    """Callbacks are timed in office hours; every other promise in working days."""
    return "office hours" if promise and promise.kind == RuleKind.OFFICE_HOURS else "working days"


def _in_unit(seconds: float | None, unit: str, day_seconds: int) -> float | None:
    if seconds is None:
        return None
    return round(seconds / (3600 if unit == "office hours" else day_seconds), 2)


def _row(figures: Figures, promise: Promise | None, day_seconds: int) -> dict:
    unit = _unit(promise)
    return {
        "code": figures.code or "all",
        "title": figures.title,
        "promise": promise.description if promise else "",
        "target": target_words(promise) if promise else "",
        "unit": unit,
        "fell_due": figures.due,
        "met": figures.met,
        "missed": figures.missed,
        "not_yet_due": figures.pending,
        "closed_before_due": figures.closed_early,
        "timed": figures.replied,
        "median_seconds": figures.median_seconds,
        "p90_seconds": figures.p90_seconds,
        "median": _in_unit(figures.median_seconds, unit, day_seconds),
        "p90": _in_unit(figures.p90_seconds, unit, day_seconds),
        "first_contact_total": figures.fcr_total,
        "first_contact_resolved": figures.fcr_first_time,
    }


def _complaints(period: Period, now: datetime, cal: WorkingCalendar, row: Figures | None) -> dict:
    """Received, responded to within the promise, resolved by the agreed date, median working
    days to resolve, resolved at first contact. The agreed date counts like a promise
    (CHARTER.md §9): in the month it fell due, or the month it was kept in if earlier."""
    start, end = period.starts_at, period.ends_at
    complaint = SR.kind == Kind.COMPLAINT.value
    received = db.session.scalar(
        select(func.count(SR.id)).where(complaint, SR.received_at >= start, SR.received_at < end)
    )
    agreed = SR.resolution_due_at
    belongs = or_(
        and_(agreed >= start, agreed < end,
             or_(SR.resolved_at.is_(None), SR.resolved_at >= start)),
        and_(SR.resolved_at >= start, SR.resolved_at < end, agreed >= end),
    )
    dates = db.session.execute(
        select(agreed, SR.resolved_at).where(complaint, agreed.is_not(None), belongs)
    ).all()
    by_date = [r for r in dates if (r.resolved_at is not None and r.resolved_at <= r[0])]
    fell_due = [r for r in dates if r.resolved_at is not None or r[0] < now]
    resolved = db.session.execute(
        select(SR.clock_started_at, SR.resolved_at).where(
            complaint, SR.resolved_at >= start, SR.resolved_at < end
        )
    ).all()
    day = cal.close_s - cal.open_s
    days = [cal.office_seconds_between(r.clock_started_at, r.resolved_at) / day
            for r in resolved if r.resolved_at >= r.clock_started_at]
    return {
        "received": int(received or 0),
        "responses_due": row.met + row.missed if row else 0,
        "responded_within_promise": row.met if row else 0,
        "agreed_dates_due": len(fell_due),
        "resolved_by_agreed_date": len(by_date),
        "resolved": len(resolved),
        "median_working_days_to_resolve": round(median(days), 1) if days else None,
        "first_contact_total": row.fcr_total if row else 0,
        "first_contact_resolved": row.fcr_first_time if row else 0,
    }


def month_figures(period: Period, now: datetime) -> dict:
    """Everything published for ``period`` (a month), as JSON-ready values."""
    cal = get_calendar()
    catalogue = current_promises()
    rows, total = figures_for(period, now)
    day_seconds = cal.close_s - cal.open_s
    by_code = {r.code: r for r in rows}
    promises = []
    measured = set(PROMISE_OF_KIND.values())  # promises kept through a request
    for code, promise in catalogue.items():
        if code not in measured:
            continue
        figures = by_code.get(code) or Figures(code, promise.title)
        promises.append(_row(figures, promise, day_seconds))
    for figures in rows:  # a promise no longer in the catalogue still had cases fall due
        if figures.code not in catalogue:
            promises.append(_row(figures, None, day_seconds))
    return {
        "schema_version": SCHEMA_VERSION,
        "month": period.first_day.strftime("%Y-%m"),
        "first_day": period.first_day.isoformat(),
        "last_day": period.last_day.isoformat(),
        "computed_at": now.isoformat(),
        "office_day_hours": day_seconds / 3600,
        "promises": promises,
        "total": _row(total, None, day_seconds),
        "complaints": _complaints(period, now, cal, by_code.get("complaint")),
    }


def correct_published(month: date, reason: str, user=None, now: datetime | None = None):
    """Recompute a published month from the requests as they stand now and append the
    result as a correction with ``reason`` (never a silent change, CHARTER.md §7)."""
    now = now or utcnow()
    figures = month_figures(period_containing("month", month), now)
    # The promises' words stay as published for that month, even if targets changed since.
    published = published_month(month)
    if published is not None:
        words = {p["code"]: p for p in published.original["promises"]}
        for row in figures["promises"]:
            for name in ("title", "promise", "target", "unit"):
                if row["code"] in words:
                    row[name] = words[row["code"]].get(name, row[name])
    return correct_month(month, figures, reason, user=user, now=now)
