"""The centre's tracker: its learners' certificates, filtered, a page at a time, and the same
as a CSV download (CHARTER.md section 6: a centre sees where each certificate stands).

Every query starts from one organisation, so a centre only ever sees its own learners.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select

from portal import charter
from portal.approvals.models import Qualification
from portal.certificates.models import AWAITING_DISPATCH, PREPARING, Completion
from portal.csvsafe import safe_cell
from portal.extensions import db


@dataclass(frozen=True)
class TrackerFilter:
    status: str = ""
    qualification_id: int | None = None
    overdue: bool = False
    search: str = ""


TRACKER_PAGE_SIZE = 50


def tracker_select(organisation_id: int, filters: TrackerFilter, now: datetime) -> Select:
    """The centre's learners matching ``filters``; always limited to the one organisation.

    Each filter leads with ``organisation_id`` so the composite indexes on the table serve
    it (docs/PERFORMANCE.md).
    """
    query = select(Completion).where(Completion.organisation_id == organisation_id)
    if filters.status == PREPARING:
        query = query.where(Completion.status.in_(AWAITING_DISPATCH))
    elif filters.status:
        query = query.where(Completion.status == filters.status)
    if filters.qualification_id is not None:
        query = query.where(Completion.qualification_id == filters.qualification_id)
    if filters.overdue:
        query = query.where(
            Completion.status.in_(AWAITING_DISPATCH), Completion.dispatch_due_at < now
        )
    term = " ".join(filters.search.split())
    if term:
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", term) + "%"
        query = query.where(
            or_(
                _icontains(Completion.learner_name, pattern),
                _icontains(Completion.learner_ref, pattern),
            )
        )
    return query


def _icontains(column, pattern: str):
    """Case-insensitive LIKE without wrapping the column in lower(): PostgreSQL's ILIKE, and
    SQLite's LIKE, which already ignores case (for ASCII letters). Half the work per row
    when a search has to read all of a large centre's learners (docs/PERFORMANCE.md)."""
    if db.engine.dialect.name == "postgresql":
        return column.ilike(pattern, escape="\\")
    return column.like(pattern, escape="\\")


def tracker_page(
    organisation_id: int,
    filters: TrackerFilter,
    now: datetime,
    after: int | None = None,
    limit: int = TRACKER_PAGE_SIZE,
) -> tuple[list[Completion], int | None, int]:
    """One page of the tracker, newest first, by keyset (``after`` = the last id seen).

    Returns the rows, the id to continue after (None on the last page) and the total number
    of matching learners.
    """
    query = tracker_select(organisation_id, filters, now)
    total = db.session.scalar(query.with_only_columns(func.count()).order_by(None))
    page_query = query
    if after is not None:
        page_query = page_query.where(Completion.id < after)
    rows = list(db.session.scalars(page_query.order_by(Completion.id.desc()).limit(limit + 1)))
    next_after = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], next_after, total


EXPORT_HEADER = (
    "learner_name",
    "learner_email_or_identifier",
    "qualification_code",
    "qualification",
    "completion_date",
    "status",
    "certificate_number",
    "signed_off",
    "dispatch_due",
    "overdue",
    "dispatched",
    "postage",
    "tracking_reference",
    "expected_arrival_from",
    "expected_arrival_to",
)


def qualifications_by_id() -> dict[int, Qualification]:
    """Every qualification by id, to name each row's without a query per row."""
    return {q.id: q for q in db.session.scalars(select(Qualification))}


def export_rows(organisation_id: int, filters: TrackerFilter, now: datetime) -> Iterator[str]:
    """The filtered tracker as CSV text, streamed in chunks."""
    qualifications = qualifications_by_id()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADER)
    query = tracker_select(organisation_id, filters, now).order_by(Completion.id.desc())
    for n, completion in enumerate(
        db.session.scalars(query.execution_options(yield_per=1000)), start=1
    ):
        qualification = qualifications[completion.qualification_id]
        writer.writerow(
            [
                safe_cell(completion.learner_name),
                safe_cell(completion.learner_ref),
                qualification.code,
                qualification.title,
                completion.completed_on.isoformat(),
                completion.status_label,
                completion.certificate_number or "",
                _london_iso(completion.signed_off_at),
                _london_iso(completion.dispatch_due_at),
                "yes" if completion.is_overdue(now) else "no",
                _london_iso(completion.dispatched_at),
                charter.POSTAGE_LABELS.get(completion.postage_class or "", ""),
                safe_cell(completion.tracking_reference),
                completion.arrival_from.isoformat() if completion.arrival_from else "",
                completion.arrival_to.isoformat() if completion.arrival_to else "",
            ]
        )
        if n % 500 == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def _london_iso(instant: datetime | None) -> str:
    if instant is None:
        return ""
    return instant.astimezone(charter.LONDON).strftime("%Y-%m-%d %H:%M")
