"""The charter performance report page and its CSV downloads (CHARTER.md §7).

The figures come from :mod:`portal.staff.report`; this module only reads the chosen period
from the query string and renders. The period form is a GET form (a report is a view of
data, so its URL can be bookmarked and shared) and so carries no CSRF token.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

from flask import Response, abort, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.routing import BuildError
from wtforms import DateField, SelectChoice, SelectField
from wtforms.validators import Optional, ValidationError

from portal.clock import london_today
from portal.csvsafe import safe_cell
from portal.database import utcnow
from portal.extensions import db
from portal.requests.models import ServiceRequest
from portal.security.inputs import QUERY_YEARS, bounded_day
from portal.settings.services import get_calendar
from portal.staff import bp, breakdown, charts, missed, report


def _in_range(form, field) -> None:
    """A period runs over whole weeks and quarters: a year at the edge of what dates can hold
    (9999) overflowed into a 500 (issue #14)."""
    if field.data is not None and bounded_day(field.data) is None:
        low, high = QUERY_YEARS
        raise ValidationError(f"Enter a date between {low} and {high}.")


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False

    period = SelectField(
        "Period",
        choices=[SelectChoice(value, label) for value, label in report.PERIOD_KINDS.items()],
        default="month",
    )
    day = DateField(
        "Any day in the period",
        validators=[Optional(), _in_range],
        description="For a week, month or quarter. Leave empty for the current one.",
    )
    start = DateField("From", validators=[Optional(), _in_range], description="For a date range.")
    end = DateField("To", validators=[Optional(), _in_range], description="For a date range.")

    def to_period(self) -> report.Period | None:
        """The period asked for, or None with the reason on the fields."""
        if not self.validate():
            return None
        kind = self.period.data
        if kind != "range":
            return report.period_containing(kind, self.day.data or london_today())
        if self.start.data is None:
            self.start.errors.append("Enter the first day of the range, for example 2026-10-01.")
        if self.end.data is None:
            self.end.errors.append("Enter the last day of the range, for example 2026-12-31.")
        if self.start.errors or self.end.errors:
            return None
        try:
            return report.date_range(self.start.data, self.end.data)
        except ValueError as exc:
            self.end.errors.append(str(exc))
            return None


def _read_form() -> tuple[PeriodForm, report.Period | None]:
    form = PeriodForm(request.args)
    period = form.to_period()
    # WTForms says "Not a valid date value."; say what a date looks like instead.
    for name in ("day", "start", "end"):
        form[name].errors = [
            "Enter a real date, for example 2026-11-30." if e == "Not a valid date value." else e
            for e in form[name].errors
        ]
    return form, period


def period_args(period: report.Period) -> dict:
    """The query string that shows ``period`` again (links, CSV, paging)."""
    if period.kind == "range":
        return {"period": "range", "start": period.first_day.isoformat(),
                "end": period.last_day.isoformat()}
    return {"period": period.kind, "day": period.first_day.isoformat()}


def staff_request_url(reference: str) -> str:
    """The staff page of a request: the staff console's route when it is registered,
    otherwise the same path (the console adds ``/staff/requests/<reference>``)."""
    try:
        return url_for("staff.request_detail", reference=reference)
    except BuildError:
        return f"{url_for('staff.dashboard')}requests/{quote(reference, safe='')}"


def _after_cursor() -> tuple | None:
    """The missed list's keyset cursor: the id of the last request on the previous page."""
    raw = request.args.get("after", "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        abort(404)
    row = db.session.get(ServiceRequest, int(raw))
    if row is None:
        abort(404)
    return (row.response_due_at, row.id)


@bp.route("/performance")
def performance():
    """The charter report for a week, month, quarter or date range (CHARTER.md §7)."""
    form, period = _read_form()
    if period is None:
        return render_template("staff/performance.html", form=form, result=None), 200
    now = utcnow()
    cal = get_calendar()
    result = report.build_report(period, now)
    late, has_more = missed.missed_page(period, now, cal, after=_after_cursor())
    quick = [(label, {"period": kind, "day": day.isoformat()})
             for label, kind, day in report.shortcuts(london_today())]
    return render_template(
        "staff/performance.html", form=form, result=result, period=period,
        args=period_args(period), previous_args=period_args(period.shifted(-1)),
        next_args=period_args(period.shifted(1)), quick=quick,
        missed=late, has_more=has_more, next_after=late[-1].id if has_more else None,
        bars=charts.share_bars(result.rows), trend=charts.trend_columns(result.trend),
        percent=charts.percent, hours=hours_text, request_url=staff_request_url,
    )


@bp.route("/performance/by")
def performance_by():
    """The report by team, person, channel or organisation, with working-day buckets, as a
    chart, a table and CSV (issue #16)."""
    dimension = request.args.get("by", "team")
    if dimension not in breakdown.DIMENSIONS:
        abort(404)
    form, period = _read_form()
    if period is None:
        return render_template("staff/performance_by.html", form=form, result=None,
                               dimension=dimension, dimensions=breakdown.DIMENSIONS), 200
    groups, total = breakdown.groups_for(period, utcnow(), dimension, get_calendar())
    if request.args.get("format") == "csv":
        return _csv(f"charter-by-{dimension}-{period.slug}.csv", BY_HEADER,
                    _by_rows(dimension, [*groups, total]))
    return render_template(
        "staff/performance_by.html", form=form, result=True, period=period, groups=groups,
        total=total, dimension=dimension, dimensions=breakdown.DIMENSIONS,
        args=period_args(period), met_buckets=breakdown.MET_BUCKETS,
        late_buckets=breakdown.LATE_BUCKETS, bars=charts.share_bars(groups[:20]),
        percent=charts.percent, share_of=breakdown.share_of,
    )


BY_HEADER = ["Grouped by", "Group", "Fell due", "Met on time", "Missed", "Not yet due",
             "Closed before due", "Share met on time (%)", *breakdown.MET_BUCKETS,
             *breakdown.LATE_BUCKETS]


def _by_rows(dimension: str, groups):
    for g in groups:
        yield [dimension, g.title, g.due, g.met, g.missed, g.pending, g.closed_early,
               _ratio(g.share_met), *g.met_days, *g.late_days]


def _csv(name: str, header: list[str], rows) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


def hours_text(seconds: float | None) -> str:
    """Office time as '2 h 05 min' for the table ('–' when nothing to measure)."""
    if seconds is None:
        return "–"
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


# ------------------------------------------------------------------------------------ CSV


def _ratio(value: float | None, digits: int = 1):
    return "" if value is None else round(value * 100, digits)


def _hours(seconds: float | None):
    return "" if seconds is None else round(seconds / 3600, 2)


SUMMARY_HEADER = [
    "Promise code", "Promise", "Period from", "Period to", "Fell due", "Met on time", "Missed",
    "Pending", "Closed before due", "Share met on time (%)",
    "Median time to first reply (office hours)",
    "90th percentile time to first reply (office hours)",
    "First-contact resolution (%)", "Average satisfaction rating", "Ratings",
]
MISSED_HEADER = [
    "Reference", "Promise code", "Promise", "Subject", "Customer", "Due (London time)",
    "Promise met (London time)", "Status", "Reason", "Link",
]


def _summary_rows(result: report.Report):
    for figures in [*result.rows, result.total]:
        yield [
            figures.code or "all", figures.title, result.period.first_day.isoformat(),
            result.period.last_day.isoformat(), figures.due, figures.met, figures.missed,
            figures.pending, figures.closed_early, _ratio(figures.share_met),
            _hours(figures.median_seconds), _hours(figures.p90_seconds),
            _ratio(figures.fcr_rate),
            "" if figures.average_rating is None else round(figures.average_rating, 2),
            figures.rating_count,
        ]


def _london_iso(instant) -> str:
    if instant is None:
        return ""
    cal = get_calendar()
    return cal.to_london(instant).strftime("%Y-%m-%d %H:%M")


def _missed_rows(period: report.Period):
    base = request.host_url.rstrip("/")
    for m in missed.missed_requests(period, utcnow(), get_calendar(), limit=None):
        yield [
            m.reference, m.promise_code, m.promise_title, m.subject, m.requester_name,
            _london_iso(m.response_due_at), _london_iso(m.promise_met_at), m.status, m.reason,
            base + staff_request_url(m.reference),
        ]


@bp.route("/performance.csv")
def performance_csv():
    """The report as CSV: the figures (``part=summary``) or every missed request
    (``part=missed``), for the same period as the page."""
    part = request.args.get("part", "summary")
    if part not in ("summary", "missed"):
        abort(404)
    form, period = _read_form()
    if period is None:
        abort(400)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if part == "summary":
        writer.writerow(SUMMARY_HEADER)
        rows = _summary_rows(report.build_report(period, utcnow()))
    else:
        writer.writerow(MISSED_HEADER)
        rows = _missed_rows(period)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    name = f"charter-{part}-{period.slug}.csv"
    return Response(
        # A byte-order mark so spreadsheet programs read names with accents as UTF-8.
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"',
                 "Cache-Control": "no-store"},
    )
