"""What the public performance page and its open data show, read from the frozen months
only (never from the requests), so the page costs two or three small queries."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from portal.charter import DEFAULT_PROMISES
from portal.performance import opendata
from portal.performance.chart import MonthChart, month_columns, percent_text
from portal.performance.services import (
    MONTHS_SHOWN,
    Month,
    changes,
    notes_for,
    published_month,
    published_months,
)

MONTH_KEY = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(key: str | None) -> date | None:
    """'2026-10' as the first of October 2026; None for anything else."""
    found = MONTH_KEY.match(key or "")
    if not found:
        return None
    year = int(found.group(1))
    return date(year, int(found.group(2)), 1) if 2000 <= year <= 2100 else None


def count_text(value: int | None, withheld: bool) -> str:
    if value is None:
        return opendata.FEWER if withheld else "–"
    return f"{value:,}"


def time_text(value: float | None, unit: str, withheld: bool) -> str:
    if value is None:
        return "withheld (fewer than 10)" if withheld else "–"
    return f"{value:.1f} {unit}"


def share_text(value: float | None, withheld: bool) -> str:
    return percent_text(value, withheld) if value is not None or withheld else "–"


@dataclass
class HistoryRow:
    month: Month
    label: str
    cells: list[str]


@dataclass
class PerformancePage:
    month: Month | None
    months: list[Month]
    promises: list[dict] = field(default_factory=list)
    total: dict = field(default_factory=dict)
    complaints: dict = field(default_factory=dict)
    titles: list[str] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)
    chart: MonthChart | None = None
    notes: list = field(default_factory=list)
    corrections: list = field(default_factory=list)
    #: (promise, what keeping it means), for the definitions (CHARTER.md section 4).
    met_when: list = field(default_factory=list)


def _withheld(row: dict, name: str) -> bool:
    return name in row["withheld"]


def _share_cell(row: dict) -> str:
    return share_text(row["share_met_on_time"], _withheld(row, "share_met_on_time"))


def _corrections(month: Month) -> list[tuple]:
    """Each correction with what it changed, in published (withheld) terms."""
    out, before = [], month.original
    for correction in month.corrections:
        listed = []
        for title, name, old, new in changes(before, correction.figures):
            listed.append((title, name.replace("_", " "), _published(name, old),
                           _published(name, new)))
        out.append((correction, listed))
        before = correction.figures
    return out


def _published(name: str, value) -> str:
    if value is None:
        return "–"
    if name in ("median", "p90", "median_working_days_to_resolve"):
        return f"{value:.1f}"
    return count_text(opendata.shown(value), True)


def performance_page(key: str | None = None) -> PerformancePage | None:
    """The page for month ``key`` ('2026-10'), or the newest; None for a month not published."""
    months = published_months(limit=MONTHS_SHOWN if key is None else None)
    if key is None:
        shown = months[0] if months else None
    else:
        wanted = parse_month(key)
        shown = published_month(wanted) if wanted else None
        if shown is None:
            return None
        months = [m for m in months if m.month <= wanted][:MONTHS_SHOWN]
    page = PerformancePage(shown, months)
    if shown is None:
        return page
    document = opendata.month_document(shown)
    page.promises, page.total = document["promises"], document["all_promises"]
    page.complaints = document["complaints"]
    page.titles = [p["title"] for p in page.promises]
    page.met_when = [(p["title"], DEFAULT_PROMISES[p["code"]].met_when)
                     for p in page.promises if p["code"] in DEFAULT_PROMISES]
    oldest_first = list(reversed(months))
    rows = []
    for month in oldest_first:
        doc = opendata.month_document(month)
        cells = [_share_cell(r) for r in doc["promises"]] + [_share_cell(doc["all_promises"])]
        rows.append((month, doc["all_promises"], cells))
    page.history = [HistoryRow(m, m.month.strftime("%B %Y"), cells)
                    for m, _total, cells in reversed(rows)]
    page.chart = month_columns([
        (m.month.strftime("%b %y"), total["share_met_on_time"],
         _withheld(total, "share_met_on_time"))
        for m, total, _cells in rows
    ])
    page.notes = notes_for([shown.month])[shown.month]
    page.corrections = _corrections(shown)
    return page


def open_data(key: str | None, docs_url: str) -> tuple[list[Month], dict] | None:
    """The months one open-data URL covers (one, or all) and their notes."""
    if key is None:
        months = published_months()
    else:
        wanted = parse_month(key)
        one = published_month(wanted) if wanted else None
        if one is None:
            return None
        months = [one]
    return months, notes_for([m.month for m in months])
