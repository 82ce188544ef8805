"""Report periods: a week, a month, a quarter or a date range, as London days and the UTC
instants that bound them (CHARTER.md sections 1 and 7). Read by the staff report, its
breakdowns and the published monthly figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from portal.charter import LONDON, format_date

PERIOD_KINDS = {"week": "Week", "month": "Month", "quarter": "Quarter", "range": "Date range"}
#: A custom range is capped so one page view cannot ask the database for decades.
MAX_RANGE_DAYS = 3 * 366


# ---------------------------------------------------------------------------------- periods


def london_midnight(day: date) -> datetime:
    """The UTC instant London's ``day`` begins (midnight is never in a clock-change gap)."""
    return datetime.combine(day, time(0), LONDON).astimezone(UTC)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """London dates ``first_day`` to ``last_day`` inclusive, of a kind (week, month, ...)."""

    kind: str
    first_day: date
    last_day: date

    @property
    def starts_at(self) -> datetime:
        return london_midnight(self.first_day)

    @property
    def ends_at(self) -> datetime:
        """The instant just after the period (exclusive bound)."""
        return london_midnight(self.last_day + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def label(self) -> str:
        if self.kind == "week":
            return f"Week beginning {format_date(self.first_day)}"
        if self.kind == "month":
            return self.first_day.strftime("%B %Y")
        if self.kind == "quarter":
            quarter = (self.first_day.month - 1) // 3 + 1
            return (
                f"{self.first_day.strftime('%B')} to {self.last_day.strftime('%B %Y')} "
                f"(quarter {quarter})"
            )
        return f"{format_date(self.first_day)} to {format_date(self.last_day)}"

    @property
    def slug(self) -> str:
        return f"{self.first_day.isoformat()}_to_{self.last_day.isoformat()}"

    def shifted(self, steps: int) -> Period:
        """The period ``steps`` periods later (earlier when negative), of the same length."""
        if self.kind == "week":
            return period_containing("week", self.first_day + timedelta(weeks=steps))
        if self.kind == "month":
            return period_containing("month", _add_months(self.first_day, steps))
        if self.kind == "quarter":
            return period_containing("quarter", _add_months(self.first_day, 3 * steps))
        offset = timedelta(days=self.days * steps)
        return Period("range", self.first_day + offset, self.last_day + offset)


def period_containing(kind: str, day: date) -> Period:
    """The week (Monday to Sunday), month or quarter that contains London date ``day``."""
    if kind == "week":
        first = day - timedelta(days=day.weekday())
        return Period("week", first, first + timedelta(days=6))
    if kind == "month":
        first = _month_start(day)
        return Period("month", first, _add_months(first, 1) - timedelta(days=1))
    if kind == "quarter":
        first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return Period("quarter", first, _add_months(first, 3) - timedelta(days=1))
    raise ValueError(f"unknown period kind {kind!r}")


def shortcuts(today: date) -> list[tuple[str, str, date]]:
    """The report's quick links, as (label, kind, a day in it): this and the last week,
    month and quarter, the periods managers look at most."""
    out = []
    for kind in ("week", "month", "quarter"):
        last = period_containing(kind, today).shifted(-1)
        out += [(f"This {kind}", kind, today), (f"Last {kind}", kind, last.first_day)]
    return out


def date_range(first_day: date, last_day: date) -> Period:
    if last_day < first_day:
        raise ValueError("The end date must be on or after the start date.")
    if (last_day - first_day).days + 1 > MAX_RANGE_DAYS:
        raise ValueError("Choose a range of three years or less.")
    return Period("range", first_day, last_day)


