"""Registering learners on a qualification when they start (issue 20), one at a time or by a
CSV file checked row by row, and the centre's learner list.

A learner is registered once per qualification at a centre (email or identifier, the same
natural key as completions), so the same file uploaded twice adds nobody twice. Built for a
centre with 100,000 learners: the list reads one page by keyset and the upload checks rows in
Python, finds existing keys with one query and inserts the new ones with one statement
(docs/PERFORMANCE.md).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from portal.accounts.models import Organisation, User
from portal.approvals.models import Qualification
from portal.approvals.services import CentreError
from portal.certificates.csv_import import (
    MAX_CSV_ROWS,
    RowProblem,
    UploadResult,
    _decode,
    _parse_date,
    _records,
    among,
    insert_ignoring_duplicates,
)
from portal.certificates.models import Completion, Registration
from portal.certificates.services import (
    approved_qualifications,
    learner_name_problem,
    learner_ref_problem,
    normalise_learner_ref,
    require_approved,
)
from portal.clock import london_today
from portal.database import utcnow
from portal.extensions import db

TEMPLATE_HEADER = ("learner_name", "learner_email_or_identifier", "qualification_code",
                   "start_date")
COLUMNS = {
    "learner_name": ("learner_name", "name", "learner"),
    "learner_ref": ("learner_email_or_identifier", "email_or_identifier", "learner_identifier",
                    "learner_email", "identifier", "email"),
    "qualification": ("qualification_code", "qualification"),
    "started_on": ("start_date", "started_on", "date_started", "registration_date"),
}
PAGE_SIZE = 50
#: The learner list counts matches up to this many, then says "more than".
COUNT_CAP = 10_000


def started_on_problem(started_on: date | None, today: date | None = None) -> str | None:
    """Why a start date cannot be right, or None. A start up to 90 days ahead is allowed:
    centres register a cohort before its first day."""
    today = today or london_today()
    if started_on is None:
        return "Enter the start date as YYYY-MM-DD or DD/MM/YYYY."
    if started_on.year < 2000:
        return "The start date must be in 2000 or later."
    if (started_on - today).days > 90:
        return "The start date can be at most 90 days from today."
    return None


def register_learner(organisation: Organisation, user: User, *, learner_name: str,
                     learner_ref: str, qualification_id: int, started_on: date) -> Registration:
    """Register one learner on a qualification the centre is approved for."""
    require_approved(organisation)
    name = " ".join((learner_name or "").split())
    ref = normalise_learner_ref(learner_ref)
    problem = (learner_name_problem(name) or learner_ref_problem(ref)
               or started_on_problem(started_on))
    if problem:
        raise CentreError(problem)
    if qualification_id not in {q.id for q in approved_qualifications(organisation)}:
        raise CentreError("Your centre is not approved for that qualification.")
    if db.session.scalar(select(Registration.id).where(
        Registration.organisation_id == organisation.id, Registration.learner_ref == ref,
        Registration.qualification_id == qualification_id,
    )) is not None:
        raise CentreError("This learner is already registered on that qualification.")
    registration = Registration(
        organisation_id=organisation.id, qualification_id=qualification_id,
        learner_name=name, learner_ref=ref, started_on=started_on,
        registered_by_id=user.id, source="form",
    )
    db.session.add(registration)
    db.session.flush()
    return registration


def registration_for(organisation_id: int, registration_id: int) -> Registration | None:
    """A registration of this centre, or None (another centre's looks missing)."""
    found = db.session.get(Registration, registration_id)
    return found if found is not None and found.organisation_id == organisation_id else None


# -- the learner list -----------------------------------------------------------------------


@dataclass(frozen=True)
class LearnerRow:
    registration: Registration
    latest_claim: Completion | None


def learner_page(organisation_id: int, *, search: str = "", qualification_id: int | None = None,
                 after: int | None = None, limit: int = PAGE_SIZE
                 ) -> tuple[list[LearnerRow], int | None, int]:
    """One page of the centre's registered learners, newest first, by keyset; with each
    learner's latest claim (one more query for the page) and how many match, up to
    :data:`COUNT_CAP` + 1."""
    query = select(Registration).where(Registration.organisation_id == organisation_id)
    if qualification_id is not None:
        query = query.where(Registration.qualification_id == qualification_id)
    term = " ".join(search.split())
    exact = normalise_learner_ref(term) if term and " " not in term else ""
    if exact and db.session.scalar(query.with_only_columns(Registration.id).where(
        Registration.learner_ref == exact).limit(1)) is not None:
        # A whole email or identifier goes straight to that learner by the natural-key
        # index, instead of reading every learner for a substring (docs/PERFORMANCE.md).
        query = query.where(Registration.learner_ref == exact)
    elif term:
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", term) + "%"
        like = "ilike" if db.engine.dialect.name == "postgresql" else "like"
        query = query.where(or_(getattr(Registration.learner_name, like)(pattern, escape="\\"),
                                getattr(Registration.learner_ref, like)(pattern, escape="\\")))
    # Counting every one of 100,000 learners costs more than the page itself (a sequential
    # scan on PostgreSQL): count up to COUNT_CAP + 1 and say "more than" beyond it.
    total = db.session.scalar(select(func.count()).select_from(
        query.with_only_columns(Registration.id).order_by(None).limit(COUNT_CAP + 1).subquery()
    ))
    if after is not None:
        query = query.where(Registration.id < after)
    rows = list(db.session.scalars(query.order_by(Registration.id.desc()).limit(limit + 1)))
    next_after = rows[limit - 1].id if len(rows) > limit else None
    rows = rows[:limit]
    latest: dict[int, Completion] = {}
    if rows:
        for claim in db.session.scalars(
            select(Completion).where(Completion.registration_id.in_([r.id for r in rows]))
            .order_by(Completion.id)
        ):
            latest[claim.registration_id] = claim
    return [LearnerRow(r, latest.get(r.id)) for r in rows], next_after, total


# -- the CSV upload ----------------------------------------------------------------------------


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TEMPLATE_HEADER)
    writer.writerow(["Amira Hassan", "amira.hassan@example.com", "CSC-301", "2026-09-07"])
    writer.writerow(["Liam O'Neill", "RC-004512", "CSC-301", "07/09/2026"])
    return out.getvalue()


def _columns(header: list[str]) -> dict[str, int]:
    names = [h.strip().lower().replace(" ", "_").replace("-", "_") for h in header]
    found, missing = {}, []
    for key, aliases in COLUMNS.items():
        hit = next((names.index(a) for a in aliases if a in names), None)
        if hit is None:
            missing.append(aliases[0])
        else:
            found[key] = hit
    if missing:
        raise CentreError("The first line of the file must name the columns. Missing: "
                          + ", ".join(missing) + ". Download the template to see the layout.")
    return found


def import_registrations_csv(organisation: Organisation, user: User, data: bytes
                             ) -> UploadResult:
    """Check every row, register the good ones and report the rest with their reason (see
    the module's docstring). A file that cannot be read stores nothing."""
    require_approved(organisation)
    records = _records(csv.reader(io.StringIO(_decode(data), newline=""), strict=True))
    first = next(records, None)
    if first is None:
        raise CentreError("The file is empty.")
    columns = _columns(first[1])
    result = UploadResult(header=tuple(first[1]))
    mine = {q.code.upper(): q.id for q in approved_qualifications(organisation)}
    catalogue = set(db.session.scalars(select(func.upper(Qualification.code))))
    today = london_today()
    width = max(columns.values()) + 1
    candidates: dict[tuple[str, int], dict] = {}
    lines: dict[tuple[str, int], int] = {}
    for line, cells in records:
        result.rows += 1
        if result.rows > MAX_CSV_ROWS:
            raise CentreError(f"A file can hold up to {MAX_CSV_ROWS:,} learners. Split it and "
                              "upload each part. Nothing from this file was saved.")
        padded = cells + [""] * (width - len(cells))
        name = " ".join(padded[columns["learner_name"]].split())
        ref = normalise_learner_ref(padded[columns["learner_ref"]])
        code = padded[columns["qualification"]].strip().upper()
        started = _parse_date(padded[columns["started_on"]])
        problem = learner_name_problem(name) or learner_ref_problem(ref)
        if problem is None and code not in mine:
            problem = ("Enter the qualification code." if not code else
                       f"Your centre is not approved for qualification {code}."
                       if code in catalogue else f"There is no qualification with the code {code}.")
        problem = problem or started_on_problem(started, today)
        if problem is None:
            key = (ref, mine[code])
            if key in candidates:
                problem = f"The same learner and qualification are already on line {lines[key]}."
            else:
                lines[key] = line
                candidates[key] = {"learner_name": name, "learner_ref": ref,
                                   "qualification_id": mine[code], "started_on": started}
        if problem is not None:
            result.rejected.append(RowProblem(line, name or ref, problem, tuple(cells)))
    _insert_new(organisation, user, candidates, result)
    return result


def _insert_new(organisation, user, candidates, result: UploadResult) -> None:
    existing = set()
    refs = list({ref for ref, _q in candidates})
    for start in range(0, len(refs), 5000):  # bound the IN list for SQLite's parameter limit
        existing |= set(db.session.execute(
            select(Registration.learner_ref, Registration.qualification_id).where(
                Registration.organisation_id == organisation.id,
                among(Registration.learner_ref, refs[start:start + 5000]),
            )
        ).tuples())
    now = utcnow()
    new_rows = [
        values | {"organisation_id": organisation.id, "source": "csv", "registered_at": now,
                  "registered_by_id": user.id}
        for key, values in candidates.items() if key not in existing
    ]
    insert_ignoring_duplicates(Registration, new_rows,
                               ["organisation_id", "learner_ref", "qualification_id"])
    result.accepted = len(new_rows)
    result.already_recorded = len(candidates) - len(new_rows)
