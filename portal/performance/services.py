"""Publishing, correcting and reading the public charter figures (CHARTER.md §7 and §9).

Published figures do not move: a month is published once, and a correction is appended with
its reason and date, never written over what was published. Services flush; the request or
the job commits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.audit.services import ACTIONS
from portal.audit.services import record as audit
from portal.database import utcnow
from portal.extensions import db
from portal.performance.models import MonthNote, PublishedCorrection, PublishedMonth

ACTIONS.setdefault("performance.published", "Charter figures published for a month")
ACTIONS.setdefault("performance.corrected", "Published charter figures corrected")
ACTIONS.setdefault("performance.note_added", "\"You said, we did\" note added")
ACTIONS.setdefault("performance.note_removed", "\"You said, we did\" note removed")

#: How many months the page's table and chart show.
MONTHS_SHOWN = 12


class CorrectionRefused(ValueError):
    """A correction that would change nothing, or has no reason."""


@dataclass
class Month:
    """A published month as shown: the figures in force, and how they came to be."""

    month: date
    published_at: datetime
    figures: dict
    corrections: list[PublishedCorrection]
    original: dict

    @property
    def corrected_at(self) -> datetime | None:
        return self.corrections[-1].made_at if self.corrections else None

    @property
    def changed_at(self) -> datetime:
        return self.corrected_at or self.published_at

    @property
    def key(self) -> str:
        return self.month.strftime("%Y-%m")


def _month(row: PublishedMonth) -> Month:
    current = row.corrections[-1].figures if row.corrections else row.figures
    return Month(row.month, row.published_at, current, list(row.corrections), row.figures)


def is_published(month: date) -> bool:
    return db.session.scalar(
        select(PublishedMonth.id).where(PublishedMonth.month == month)
    ) is not None


def publish_month(month: date, figures: dict, now: datetime | None = None) -> PublishedMonth:
    """Freeze ``figures`` as the month's published figures. Publishing a month twice keeps
    the first: what the public has seen is only ever changed by a correction."""
    existing = db.session.scalar(select(PublishedMonth).where(PublishedMonth.month == month))
    if existing is not None:
        return existing
    row = PublishedMonth(
        month=month, published_at=now or utcnow(), figures=figures,
        schema_version=figures.get("schema_version", 1),
    )
    db.session.add(row)
    db.session.flush()
    audit("performance.published", row, details={"month": month.strftime("%Y-%m")})
    return row


def correct_month(month: date, figures: dict, reason: str, user=None,
                  now: datetime | None = None) -> PublishedCorrection:
    """Append a correction to a published month: the recomputed figures, why, and when.
    Refused when the figures are unchanged (nothing to correct) or no reason is given."""
    row = db.session.scalar(
        select(PublishedMonth).options(selectinload(PublishedMonth.corrections))
        .where(PublishedMonth.month == month)
    )
    if row is None:
        raise CorrectionRefused("That month has not been published yet.")
    reason = (reason or "").strip()
    if not reason:
        raise CorrectionRefused("Say why the figures are being corrected.")
    if not changes(_month(row).figures, figures):
        raise CorrectionRefused("The figures have not changed since they were published, "
                                "so there is nothing to correct.")
    correction = PublishedCorrection(
        published=row, made_at=now or utcnow(), reason=reason[:500], figures=figures,
        made_by_id=user.id if user else None,
    )
    db.session.add(correction)
    db.session.flush()
    audit("performance.corrected", row, actor=user,
          details={"month": month.strftime("%Y-%m"), "reason": reason[:200]})
    return correction


#: The figures a correction lists as changed, by their public names.
COMPARED = ("fell_due", "met", "missed", "median", "p90")
COMPLAINT_FIGURES = ("received", "responses_due", "responded_within_promise",
                     "agreed_dates_due", "resolved_by_agreed_date", "resolved",
                     "median_working_days_to_resolve", "first_contact_total",
                     "first_contact_resolved")


def changes(before: dict, after: dict) -> list[tuple[str, str, object, object]]:
    """What differs between two sets of figures, as (promise, figure, before, after)."""
    out = []
    old = {p["code"]: p for p in before.get("promises", [])}
    for row in [*after.get("promises", []), after.get("total", {})]:
        was = old.get(row.get("code"), before.get("total", {}) if row.get("code") == "all"
                      else {})
        for name in COMPARED:
            if was.get(name) != row.get(name):
                out.append((row.get("title", ""), name, was.get(name), row.get(name)))
    c_old, c_new = before.get("complaints", {}), after.get("complaints", {})
    for name in COMPLAINT_FIGURES:
        if c_old.get(name) != c_new.get(name):
            out.append(("Complaints", name, c_old.get(name), c_new.get(name)))
    return out


def published_months(limit: int | None = None) -> list[Month]:
    """Published months, newest first, each with its corrections (two queries)."""
    query = (select(PublishedMonth).options(selectinload(PublishedMonth.corrections))
             .order_by(PublishedMonth.month.desc()))
    if limit:
        query = query.limit(limit)
    return [_month(row) for row in db.session.scalars(query)]


def published_month(month: date) -> Month | None:
    row = db.session.scalar(
        select(PublishedMonth).options(selectinload(PublishedMonth.corrections))
        .where(PublishedMonth.month == month)
    )
    return None if row is None else _month(row)


def version_tag(month: date | None = None) -> tuple[str, datetime | None]:
    """A strong ETag and the Last-Modified instant for one month or for all, from a single
    small aggregate query, so a cache's revalidation costs no figures at all."""
    months = select(PublishedMonth.id, PublishedMonth.published_at)
    if month is not None:
        months = months.where(PublishedMonth.month == month)
    return _tag_row(months.subquery())


def _tag_row(months) -> tuple[str, datetime | None]:
    count, last_id, published = db.session.execute(
        select(func.count(months.c.id), func.max(months.c.id), func.max(months.c.published_at))
    ).one()
    fixes, last_fix, corrected = db.session.execute(
        select(func.count(PublishedCorrection.id), func.max(PublishedCorrection.id),
               func.max(PublishedCorrection.made_at))
        .where(PublishedCorrection.published_id.in_(select(months.c.id)))
    ).one()
    notes, last_note, noted = db.session.execute(
        select(func.count(MonthNote.id), func.max(MonthNote.id), func.max(MonthNote.created_at))
    ).one()
    raw = f"{count}:{last_id}:{fixes}:{last_fix}:{notes}:{last_note}"
    tag = hashlib.sha256(raw.encode()).hexdigest()[:32]
    instants = [t for t in (published, corrected, noted) if t is not None]
    return tag, max(instants) if instants else None


# ---------------------------------------------------------------------- you said, we did


def notes_for(months: list[date]) -> dict[date, list[MonthNote]]:
    """The "You said, we did" notes of each month, oldest first."""
    out: dict[date, list[MonthNote]] = {m: [] for m in months}
    if not months:
        return out
    for note in db.session.scalars(
        select(MonthNote).where(MonthNote.month.in_(months)).order_by(MonthNote.id)
    ):
        out.setdefault(note.month, []).append(note)
    return out


def add_note(month: date, you_said: str, we_did: str, user=None) -> MonthNote:
    """Attach a "You said, we did" note to a month (shown publicly beside its figures)."""
    note = MonthNote(month=month.replace(day=1), you_said=you_said.strip(),
                     we_did=we_did.strip(), created_by_id=user.id if user else None)
    db.session.add(note)
    db.session.flush()
    audit("performance.note_added", note, actor=user,
          details={"month": month.strftime("%Y-%m")})
    return note


def remove_note(note_id: int, user=None) -> bool:
    note = db.session.get(MonthNote, note_id)
    if note is None:
        return False
    audit("performance.note_removed", note, actor=user,
          details={"month": note.month.strftime("%Y-%m")})
    db.session.delete(note)
    db.session.flush()
    return True
