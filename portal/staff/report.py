"""The charter performance report: how well each promise was kept in a period (CHARTER.md §7).

Every figure is aggregated by the database, grouped by promise, over the requests whose
promise belongs to the period: its due instant falls inside it, or it was met inside it
before it was due (:func:`falls_due_in`, London dates). Of those, **fell due** counts the
ones met, missed or closed before they were due; the rest are not yet due and are shown
apart (CHARTER.md section 9):

* **fell due** (``due``): met, missed or closed early; never the ones still pending;
* **met**: the promise was met (``promise_met_at``) at or before its due instant;
* **missed**: met late, or not met and now past due (still open, or closed after it was due
  without the promise being met);
* **pending**: not met and not yet due; **closed early**: closed before it was due without the
  promise being met (for example a duplicate). Neither counts for or against the promise, so
  the share met on time is ``met / (met + missed)``.

The public performance page publishes ``figures_for`` of each month, frozen; a test holds
the two equal (:mod:`portal.performance`).

Time to first reply is in office time (CHARTER.md §1), taken from
``ServiceRequest.first_reply_office_seconds``, which the request services store when the first
reply is recorded, so medians and percentiles can be taken in SQL: ``percentile_cont`` on
PostgreSQL, an equivalent window-function query on SQLite (the same linear interpolation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Float, Integer, and_, case, cast, func, literal, or_, select

from portal.extensions import db
from portal.help.services import first_contact_counts
from portal.requests.models import ServiceRequest
from portal.settings.services import current_promises
from portal.staff.periods import (  # noqa: F401  (the report's periods, as callers import them)
    MAX_RANGE_DAYS,
    PERIOD_KINDS,
    Period,
    date_range,
    london_midnight,
    period_containing,
    shortcuts,
)

#: At most this many buckets in the trend chart.
MAX_TREND_BUCKETS = 36

SR = ServiceRequest


# ---------------------------------------------------------------------------------- figures


@dataclass
class Figures:
    """How one promise (or all of them, ``code`` None) was kept in the period."""

    code: str | None
    title: str
    due: int = 0
    met: int = 0
    missed: int = 0
    pending: int = 0
    closed_early: int = 0
    replied: int = 0
    median_seconds: float | None = None
    p90_seconds: float | None = None
    fcr_total: int = 0
    fcr_first_time: int = 0
    rating_count: int = 0
    rating_sum: int = 0

    @property
    def decided(self) -> int:
        return self.met + self.missed

    @property
    def share_met(self) -> float | None:
        return self.met / self.decided if self.decided else None

    @property
    def fcr_rate(self) -> float | None:
        return self.fcr_first_time / self.fcr_total if self.fcr_total else None

    @property
    def average_rating(self) -> float | None:
        return self.rating_sum / self.rating_count if self.rating_count else None


@dataclass
class TrendPoint:
    label: str
    first_day: date
    last_day: date
    met: int = 0
    missed: int = 0

    @property
    def share_met(self) -> float | None:
        total = self.met + self.missed
        return self.met / total if total else None


@dataclass
class Report:
    period: Period
    now: datetime
    rows: list[Figures]
    total: Figures
    trend: list[TrendPoint] = field(default_factory=list)
    trend_unit: str = "month"
    #: Questions a help article answered at first contact, and requests sent after reading one.
    help_counts: dict[str, int] = field(default_factory=dict)


def _met():
    return and_(SR.promise_met_at.is_not(None), SR.promise_met_at <= SR.response_due_at)


def is_missed(now: datetime):
    """Met late; or unmet, past due, and not closed before it fell due. The missed list
    (:mod:`portal.staff.missed`) uses this same condition, so it adds up to the figure."""
    unmet_overdue = and_(
        SR.promise_met_at.is_(None),
        SR.response_due_at < now,
        or_(SR.closed_at.is_(None), SR.closed_at > SR.response_due_at),
    )
    return or_(SR.promise_met_at > SR.response_due_at, unmet_overdue)


def _closed_early():
    return and_(
        SR.promise_met_at.is_(None),
        SR.closed_at.is_not(None),
        SR.closed_at <= SR.response_due_at,
    )


def counted_at():
    """The instant a promise belongs to a period by: when it fell due, or when it was met if
    that was earlier (CHARTER.md section 9, "a period's figures count what fell due in it")."""
    return case((and_(SR.promise_met_at.is_not(None), SR.promise_met_at < SR.response_due_at),
                 SR.promise_met_at), else_=SR.response_due_at)


#: The report's conditions, for other groupings of the same promises (issue #16).
def is_met():
    return _met()


def is_closed_early():
    return _closed_early()


def falls_due_in(period: Period):
    """A request counts in the period its promise fell due in, or was met in if earlier
    (London dates). Written as two ranges, not over :func:`counted_at`, so each can be read
    from an index."""
    met_early = and_(SR.promise_met_at.is_not(None), SR.promise_met_at < SR.response_due_at)
    return or_(
        and_(met_early, SR.promise_met_at >= period.starts_at,
             SR.promise_met_at < period.ends_at),
        and_(~met_early, SR.response_due_at >= period.starts_at,
             SR.response_due_at < period.ends_at),
    )


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _count_columns(now: datetime) -> list:
    return [
        func.count(SR.id).label("counted"),
        _count_if(_met()).label("met"),
        _count_if(is_missed(now)).label("missed"),
        _count_if(_closed_early()).label("closed_early"),
        func.count(SR.first_reply_office_seconds).label("replied"),
        func.count(SR.resolved_first_time).label("fcr_total"),
        _count_if(SR.resolved_first_time.is_(True)).label("fcr_first_time"),
        func.count(SR.satisfaction_rating).label("rating_count"),
        func.coalesce(func.sum(SR.satisfaction_rating), 0).label("rating_sum"),
    ]


def _fill(figures: Figures, row) -> None:
    for name in ("met", "missed", "closed_early", "replied", "fcr_total",
                 "fcr_first_time", "rating_count", "rating_sum"):
        setattr(figures, name, int(getattr(row, name) or 0))
    # Fell due: met, missed, or closed before it was due. Whatever is left is not yet due
    # and shown apart, never counted as due (CHARTER.md section 9).
    figures.due = figures.met + figures.missed + figures.closed_early
    figures.pending = int(row.counted or 0) - figures.due


def _percentiles_sqlite(where, key) -> dict:
    """Median and 90th percentile per ``key`` with the same interpolation as PostgreSQL's
    ``percentile_cont``: the value at position p·(n−1) of the sorted values, interpolated
    between the two rows either side of it. SQLite has no percentile aggregate, so each row
    is numbered within its group by a window function and the two rows around each position
    are picked out by a grouped SUM."""
    seconds = SR.first_reply_office_seconds
    ranked = (
        select(
            key.label("k"),
            seconds.label("s"),
            (func.row_number().over(partition_by=key, order_by=seconds) - 1).label("rn"),
            func.count().over(partition_by=key).label("n"),
        )
        .where(where, seconds.is_not(None))
        .subquery()
    )

    def percentile(p: float):
        position = cast(ranked.c.n - 1, Float) * p
        lower = cast(position, Integer)  # truncation is floor for non-negative values
        fraction = position - lower
        return func.sum(
            case(
                (ranked.c.rn == lower, ranked.c.s * (1 - fraction)),
                (ranked.c.rn == lower + 1, ranked.c.s * fraction),
                else_=0,
            )
        )

    rows = db.session.execute(
        select(ranked.c.k, percentile(0.5), percentile(0.9)).group_by(ranked.c.k)
    ).all()
    return {k: (float(p50), float(p90)) for k, p50, p90 in rows}


def figures_for(period: Period, now: datetime) -> tuple[list[Figures], Figures]:
    """One :class:`Figures` per promise that had anything fall due, and the total."""
    catalogue = current_promises()
    where = falls_due_in(period)
    seconds = SR.first_reply_office_seconds
    total = Figures(None, "All promises")
    by_code: dict[str, Figures] = {}
    if db.engine.dialect.name == "postgresql":
        # One pass: ROLLUP adds the all-promises row (promise_code NULL) to the groups.
        query = (
            select(
                SR.promise_code,
                *_count_columns(now),
                func.percentile_cont(0.5).within_group(seconds).label("p50"),
                func.percentile_cont(0.9).within_group(seconds).label("p90"),
            )
            .where(where)
            .group_by(func.rollup(SR.promise_code))
        )
        for row in db.session.execute(query):
            figures = total if row.promise_code is None else Figures(row.promise_code, "")
            _fill(figures, row)
            figures.median_seconds = None if row.p50 is None else float(row.p50)
            figures.p90_seconds = None if row.p90 is None else float(row.p90)
            if row.promise_code is not None:
                by_code[row.promise_code] = figures
    else:
        query = select(SR.promise_code, *_count_columns(now)).where(where).group_by(
            SR.promise_code
        )
        for row in db.session.execute(query):
            figures = by_code[row.promise_code] = Figures(row.promise_code, "")
            _fill(figures, row)
        # The totals' counts are sums of the groups' counts; its percentiles are not, so
        # they are taken over all the period's rows at once.
        total_row = db.session.execute(select(*_count_columns(now)).where(where)).one()
        _fill(total, total_row)
        for code, (p50, p90) in _percentiles_sqlite(where, SR.promise_code).items():
            by_code[code].median_seconds, by_code[code].p90_seconds = p50, p90
        overall = _percentiles_sqlite(where, literal("all")).get("all")
        if overall:
            total.median_seconds, total.p90_seconds = overall
    order = list(catalogue)
    rows = sorted(by_code.values(), key=lambda f: (
        order.index(f.code) if f.code in order else len(order), f.code))
    for figures in rows:
        promise = catalogue.get(figures.code)
        figures.title = promise.title if promise else figures.code
    return rows, total


# ------------------------------------------------------------------------------------ trend


def trend_buckets(period: Period) -> tuple[str, list[TrendPoint]]:
    """The periods the trend chart shows, oldest first, ending with ``period``.

    A week, month or quarter is shown with the eleven (seven for quarters) before it, so a
    manager sees the direction; a date range is split into weeks (up to 13 weeks long) or
    months.
    """
    if period.kind in ("week", "month", "quarter"):
        back = 7 if period.kind == "quarter" else 11
        periods = [period.shifted(-n) for n in range(back, -1, -1)]
        unit = period.kind
    elif period.days <= 13 * 7:
        unit = "week"
        periods, day = [], period.first_day
        while day <= period.last_day:
            week = period_containing("week", day)
            periods.append(Period("week", max(week.first_day, period.first_day),
                                  min(week.last_day, period.last_day)))
            day = week.last_day + timedelta(days=1)
    else:
        unit = "month"
        periods, day = [], period.first_day
        while day <= period.last_day:
            month = period_containing("month", day)
            periods.append(Period("month", max(month.first_day, period.first_day),
                                  min(month.last_day, period.last_day)))
            day = month.last_day + timedelta(days=1)
    periods = periods[-MAX_TREND_BUCKETS:]
    points = []
    for p in periods:
        if unit == "week":
            # Short, so twelve fit under the chart: '2 Nov'.
            label = f"{p.first_day.day} {p.first_day:%b}"
        elif unit == "month":
            label = p.first_day.strftime("%b %Y")
        else:
            label = f"Q{(p.first_day.month - 1) // 3 + 1} {p.first_day.year}"
        points.append(TrendPoint(label, p.first_day, p.last_day))
    return unit, points


def trend_for(period: Period, now: datetime) -> tuple[str, list[TrendPoint]]:
    """Met and missed per bucket, in one grouped query: each row is put in its bucket by a
    CASE over the buckets' boundaries, computed here in London dates."""
    unit, points = trend_buckets(period)
    starts = [london_midnight(p.first_day) for p in points]
    whole = Period("range", points[0].first_day, points[-1].last_day)
    at = counted_at()
    bucket = case(
        *[(at >= start, index) for index, start in reversed(list(enumerate(starts)))],
        else_=-1,
    ).label("bucket")
    query = (
        select(bucket, _count_if(_met()).label("met"), _count_if(is_missed(now)).label("missed"))
        .where(falls_due_in(whole))
        .group_by(bucket)
    )
    for row in db.session.execute(query):
        if 0 <= row.bucket < len(points):
            points[row.bucket].met = int(row.met)
            points[row.bucket].missed = int(row.missed)
    return unit, points


def build_report(period: Period, now: datetime) -> Report:
    """Everything the report page and its CSV show for ``period`` (CHARTER.md §7)."""
    rows, total = figures_for(period, now)
    unit, trend = trend_for(period, now)
    help_counts = first_contact_counts(period.starts_at, period.ends_at)
    return Report(period, now, rows, total, trend, unit, help_counts)
