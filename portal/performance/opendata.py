"""The published figures as people and programs read them: small counts withheld, shares
worked out, and the CSV and JSON of docs/OPEN_DATA.md (schema version 1).

Privacy (the issue's rule, applied in one place for the page, the CSV and the JSON): a count
from 1 to 9 is shown as "fewer than 10"; a share or a time is shown only when it rests on 10
or more cases. Nothing published names a person or an organisation: the snapshot holds only
counts and times.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from portal.performance.services import Month

SCHEMA_VERSION = 1
THRESHOLD = 10
FEWER = "fewer than 10"


def shown(n: int | None) -> int | None:
    """A count as published: None (withheld) from 1 to 9."""
    if n is None:
        return None
    return n if n == 0 or n >= THRESHOLD else None


def share(part: int, whole: int) -> float | None:
    """``part / whole``, or None when fewer than 10 cases stand behind it."""
    return round(part / whole, 4) if whole >= THRESHOLD else None


def promise_row(row: dict) -> dict:
    """One promise's public figures, with what was withheld named in ``withheld``."""
    decided = row["met"] + row["missed"]
    out = {
        "code": row["code"], "title": row["title"], "promise": row.get("promise", ""),
        "target": row.get("target", ""), "unit": row["unit"],
        "fell_due": shown(row["fell_due"]), "met": shown(row["met"]),
        "missed": shown(row["missed"]), "share_met_on_time": share(row["met"], decided),
        "median": row["median"] if row.get("timed", 0) >= THRESHOLD else None,
        "p90": row["p90"] if row.get("timed", 0) >= THRESHOLD else None,
    }
    out["withheld"] = [k for k in ("fell_due", "met", "missed") if out[k] is None]
    if out["share_met_on_time"] is None and decided:
        out["withheld"].append("share_met_on_time")
    if out["median"] is None and row.get("timed"):
        out["withheld"] += ["median", "p90"]
    return out


def complaints_row(c: dict) -> dict:
    out = {
        "received": shown(c["received"]),
        "responses_due": shown(c["responses_due"]),
        "responded_within_promise": shown(c["responded_within_promise"]),
        "share_responded_within_promise": share(c["responded_within_promise"],
                                                c["responses_due"]),
        "agreed_dates_due": shown(c["agreed_dates_due"]),
        "resolved_by_agreed_date": shown(c["resolved_by_agreed_date"]),
        "share_resolved_by_agreed_date": share(c["resolved_by_agreed_date"],
                                               c["agreed_dates_due"]),
        "resolved": shown(c["resolved"]),
        "median_working_days_to_resolve": (c["median_working_days_to_resolve"]
                                           if c["resolved"] >= THRESHOLD else None),
        "share_resolved_at_first_contact": share(c["first_contact_resolved"],
                                                 c["first_contact_total"]),
    }
    out["withheld"] = [k for k, v in out.items() if v is None and k != "withheld"]
    return out


def _iso(instant: datetime | None) -> str | None:
    return None if instant is None else instant.isoformat()


def month_document(month: Month, notes=()) -> dict:
    figures = month.figures
    return {
        "month": month.key,
        "first_day": figures["first_day"],
        "last_day": figures["last_day"],
        "published_at": _iso(month.published_at),
        "corrected_at": _iso(month.corrected_at),
        "corrections": [{"made_at": _iso(c.made_at), "reason": c.reason}
                        for c in month.corrections],
        "promises": [promise_row(r) for r in figures["promises"]],
        "all_promises": promise_row(figures["total"]),
        "complaints": complaints_row(figures["complaints"]),
        "you_said_we_did": [{"you_said": n.you_said, "we_did": n.we_did} for n in notes],
    }


def document(months: list[Month], notes: dict, docs_url: str) -> dict:
    """The JSON of one month or all of them, oldest first."""
    return {
        "schema": "charter-performance",
        "schema_version": SCHEMA_VERSION,
        "documentation": docs_url,
        "withheld_below": THRESHOLD,
        "months": [month_document(m, notes.get(m.month, ()))
                   for m in sorted(months, key=lambda m: m.month)],
    }


CSV_HEADER = ["month", "section", "code", "name", "figure", "value", "unit", "note"]
_PROMISE_FIGURES = (("fell_due", "cases"), ("met", "cases"), ("missed", "cases"),
                    ("share_met_on_time", "proportion"), ("median", None), ("p90", None))


def _value(value, figure: str, withheld: list[str]) -> tuple[str, str]:
    if value is None:
        return "", (FEWER if figure in withheld and "share" not in figure else
                    "withheld: fewer than 10 cases" if figure in withheld else "no data")
    return str(value), ""


def csv_text(months: list[Month]) -> str:
    """Every figure on a line of its own (month, section, code, name, figure, value, unit,
    note), oldest month first: easy to filter in a spreadsheet, easy to load elsewhere."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for month in sorted(months, key=lambda m: m.month):
        rows = [promise_row(r) for r in month.figures["promises"]]
        rows.append(promise_row(month.figures["total"]))
        for row in rows:
            for figure, unit in _PROMISE_FIGURES:
                value, note = _value(row[figure], figure, row["withheld"])
                writer.writerow([month.key, "promise", row["code"], row["title"], figure,
                                 value, unit or row["unit"], note])
        complaints = complaints_row(month.figures["complaints"])
        for figure, value in complaints.items():
            if figure == "withheld":
                continue
            unit = ("proportion" if figure.startswith("share") else
                    "working days" if figure.startswith("median") else "cases")
            value, note = _value(value, figure, complaints["withheld"])
            writer.writerow([month.key, "complaints", "complaint", "Complaints", figure,
                             value, unit, note])
    return out.getvalue()
