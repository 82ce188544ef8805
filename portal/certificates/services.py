"""Learner completions and certificates: recording, CSV upload, sign-off, posting, tracking.

A certificate is promised within 15 working days of sign-off, plus postage (CHARTER.md
section 4, ``certificate``). The due date is stored at sign-off with its policy version and
the expected arrival window is stored at dispatch, so neither moves by itself (section 5).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Select, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from portal import charter
from portal.accounts.models import Organisation, User
from portal.approvals.models import Qualification, centre_qualification
from portal.approvals.services import CentreError
from portal.certificates.models import AWAITING_DISPATCH, CertificateStatus, Completion
from portal.clock import london_today
from portal.database import utcnow
from portal.extensions import db
from portal.settings.services import current_policy, get_calendar, promises_for

PROMISE = "certificate"
NAME_MAX = 120
REF_MAX = 254
MAX_CSV_ROWS = 20_000
_IDENTIFIER = re.compile(r"^[A-Z0-9][A-Z0-9 ._/-]{0,49}$")

#: Column names the upload accepts for each field (lower case, spaces as underscores).
CSV_COLUMNS = {
    "learner_name": ("learner_name", "name", "learner"),
    "learner_ref": (
        "learner_email_or_identifier",
        "email_or_identifier",
        "learner_identifier",
        "learner_email",
        "identifier",
        "email",
    ),
    "qualification": ("qualification_code", "qualification"),
    "completed_on": ("completion_date", "completed_on", "date_completed"),
    "signed_off": ("assessment_signed_off", "signed_off", "assessment_fully_signed_off"),
}
CSV_TEMPLATE_HEADER = (
    "learner_name",
    "learner_email_or_identifier",
    "qualification_code",
    "completion_date",
    "assessment_signed_off",
)
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}


# -- checking one learner ---------------------------------------------------------------------


def normalise_learner_ref(value: str) -> str:
    """Emails in lower case, identifiers in upper case, so the natural key compares sensibly."""
    value = " ".join((value or "").split())
    return value.lower() if "@" in value else value.upper()


def learner_ref_problem(ref: str) -> str | None:
    """Why an email or identifier cannot be used, or None."""
    if not ref:
        return "Enter the learner's email address or identifier."
    if len(ref) > REF_MAX:
        return f"The email address or identifier must be {REF_MAX} characters or fewer."
    if "@" in ref:
        try:
            validate_email(ref, check_deliverability=False, test_environment=True)
        except EmailNotValidError:
            return "The learner's email address is not in the right format."
        return None
    if not _IDENTIFIER.match(ref):
        return "Use up to 50 letters, numbers, spaces, dots, slashes or dashes in the identifier."
    return None


def learner_name_problem(name: str) -> str | None:
    if not name:
        return "Enter the learner's name."
    if len(name) > NAME_MAX:
        return f"The learner's name must be {NAME_MAX} characters or fewer."
    return None


def completed_on_problem(completed_on: date, today: date | None = None) -> str | None:
    if completed_on > (today or london_today()):
        return "The completion date cannot be in the future."
    if completed_on.year < 2000:
        return "The completion date must be in 2000 or later."
    return None


def approved_qualifications(organisation: Organisation) -> list[Qualification]:
    """The qualifications this centre may record completions for, in code order."""
    return list(
        db.session.scalars(
            select(Qualification)
            .join(
                centre_qualification,
                centre_qualification.c.qualification_id == Qualification.id,
            )
            .where(centre_qualification.c.organisation_id == organisation.id)
            .order_by(Qualification.code)
        )
    )


def _require_approved(organisation: Organisation) -> None:
    if not organisation.is_approved:
        raise CentreError("Only approved centres can record completions.")


def record_completion(
    organisation: Organisation,
    user: User,
    *,
    learner_name: str,
    learner_ref: str,
    qualification_id: int,
    completed_on: date,
    assessment_signed_off: bool,
) -> Completion:
    """Record one learner's completion (CHARTER §4: only once assessment is fully signed off)."""
    _require_approved(organisation)
    name = " ".join((learner_name or "").split())
    ref = normalise_learner_ref(learner_ref)
    problem = (
        learner_name_problem(name)
        or learner_ref_problem(ref)
        or completed_on_problem(completed_on)
        or (
            None
            if assessment_signed_off
            else "Confirm that assessment is fully signed off before recording a completion."
        )
    )
    if problem:
        raise CentreError(problem)
    if qualification_id not in {q.id for q in approved_qualifications(organisation)}:
        raise CentreError("Your centre is not approved for that qualification.")
    duplicate = db.session.scalar(
        select(Completion.id).where(
            Completion.organisation_id == organisation.id,
            Completion.learner_ref == ref,
            Completion.qualification_id == qualification_id,
            Completion.completed_on == completed_on,
        )
    )
    if duplicate is not None:
        raise CentreError(
            "You have already recorded this learner for this qualification on that date."
        )
    completion = Completion(
        organisation_id=organisation.id,
        qualification_id=qualification_id,
        learner_name=name,
        learner_ref=ref,
        completed_on=completed_on,
        assessment_signed_off=True,
        recorded_by_id=user.id,
        source="form",
    )
    db.session.add(completion)
    db.session.flush()
    return completion


# -- CSV upload --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    line: int
    learner: str
    reason: str


@dataclass
class UploadResult:
    rows: int = 0
    accepted: int = 0
    already_recorded: int = 0
    rejected: list[RowProblem] = field(default_factory=list)


def _parse_date(text: str) -> date | None:
    text = text.strip()
    for pattern in (r"^(\d{4})-(\d{1,2})-(\d{1,2})$", r"^(\d{1,2})/(\d{1,2})/(\d{4})$"):
        match = re.match(pattern, text)
        if match:
            parts = [int(p) for p in match.groups()]
            year, month, day = parts if pattern.startswith(r"^(\d{4})") else parts[::-1]
            try:
                return date(year, month, day)
            except ValueError:
                return None
    return None


def _columns(header: list[str]) -> dict[str, int]:
    names = [h.strip().lower().replace(" ", "_").replace("-", "_") for h in header]
    found: dict[str, int] = {}
    missing = []
    for key, aliases in CSV_COLUMNS.items():
        for alias in aliases:
            if alias in names:
                found[key] = names.index(alias)
                break
        else:
            missing.append(aliases[0])
    if missing:
        raise CentreError(
            "The first line of the file must name the columns. Missing: "
            + ", ".join(missing)
            + ". Download the template to see the layout."
        )
    return found


def import_completions_csv(organisation: Organisation, user: User, data: bytes) -> UploadResult:
    """Check every row of an upload, keep the good ones and report the rest by line number.

    Rows already recorded (same learner, qualification and completion date at this centre)
    are counted and skipped, so the same file uploaded twice changes nothing. Built for
    thousands of rows: rows are checked in Python, existing keys are found with one query and
    the new rows go in with one bulk insert that also ignores a concurrent duplicate.
    """
    _require_approved(organisation)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CentreError(
            "We could not read the file. Save it as 'CSV UTF-8' and upload it again."
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    result = UploadResult()
    header: list[str] | None = None
    line = 0
    for row in reader:
        start_line, line = line + 1, reader.line_num
        if any(cell.strip() for cell in row):
            header = row
            break
    if header is None:
        raise CentreError("The file is empty.")
    columns = _columns(header)
    width = max(columns.values()) + 1
    qualifications = {q.code.upper(): q for q in approved_qualifications(organisation)}
    catalogue = set(db.session.scalars(select(func.upper(Qualification.code))))
    today = london_today()
    candidates: dict[tuple[str, int, date], tuple[int, dict]] = {}
    for row in reader:
        start_line, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        result.rows += 1
        if result.rows > MAX_CSV_ROWS:
            raise CentreError(
                f"A file can hold up to {MAX_CSV_ROWS:,} learners. Split it and upload each part."
            )
        row = row + [""] * (width - len(row))
        name = " ".join(row[columns["learner_name"]].split())
        ref = normalise_learner_ref(row[columns["learner_ref"]])
        code = row[columns["qualification"]].strip().upper()
        when_text = row[columns["completed_on"]]
        signed = row[columns["signed_off"]].strip().lower()
        completed_on = _parse_date(when_text)
        qualification = qualifications.get(code)
        problem = learner_name_problem(name) or learner_ref_problem(ref)
        if problem is None:
            if not code:
                problem = "Enter the qualification code."
            elif qualification is None:
                problem = (
                    f"Your centre is not approved for qualification {code}."
                    if code in catalogue
                    else f"There is no qualification with the code {code}."
                )
            elif completed_on is None:
                problem = "Enter the completion date as YYYY-MM-DD or DD/MM/YYYY" + (
                    f" (got '{when_text.strip()}')." if when_text.strip() else "."
                )
            elif signed in _NO:
                problem = "Assessment must be fully signed off (write yes) before recording."
            elif signed not in _YES:
                problem = "Write yes in the assessment signed off column."
            else:
                problem = completed_on_problem(completed_on, today)
        if problem is None:
            key = (ref, qualification.id, completed_on)
            if key in candidates:
                problem = (
                    "The same learner, qualification and date are already on line "
                    f"{candidates[key][0]}."
                )
            else:
                candidates[key] = (
                    start_line,
                    {
                        "organisation_id": organisation.id,
                        "qualification_id": qualification.id,
                        "learner_name": name,
                        "learner_ref": ref,
                        "completed_on": completed_on,
                    },
                )
        if problem is not None:
            result.rejected.append(RowProblem(start_line, name or ref, problem))
    existing = _existing_keys(organisation.id, {ref for ref, _q, _d in candidates})
    now = utcnow()
    new_rows = []
    for key, (_line, values) in candidates.items():
        if key in existing:
            result.already_recorded += 1
            continue
        values.update(
            assessment_signed_off=True,
            status=CertificateStatus.RECORDED.value,
            source="csv",
            recorded_at=now,
            recorded_by_id=user.id,
            rejected_reason="",
            tracking_reference="",
            return_note="",
        )
        new_rows.append(values)
    if new_rows:
        db.session.execute(_insert_ignoring_duplicates(), new_rows)
    result.accepted = len(new_rows)
    return result


def _existing_keys(organisation_id: int, refs: set[str]) -> set[tuple[str, int, date]]:
    """The natural keys already recorded for these learners, in one query."""
    if not refs:
        return set()
    rows = db.session.execute(
        select(Completion.learner_ref, Completion.qualification_id, Completion.completed_on).where(
            Completion.organisation_id == organisation_id, Completion.learner_ref.in_(refs)
        )
    )
    return {(ref, qualification_id, on) for ref, qualification_id, on in rows}


def _insert_ignoring_duplicates():
    """INSERT ... ON CONFLICT DO NOTHING on the natural key: a second upload racing this one
    cannot create a duplicate or fail the whole file."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(Completion).on_conflict_do_nothing(
        index_elements=["organisation_id", "learner_ref", "qualification_id", "completed_on"]
    )


def csv_template() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_TEMPLATE_HEADER)
    writer.writerow(["Amira Hassan", "amira.hassan@example.com", "CSC-301", "2026-11-02", "yes"])
    writer.writerow(["Liam O'Neill", "RC-004512", "CSC-301", "02/11/2026", "yes"])
    return out.getvalue()


# -- the centre's tracker ---------------------------------------------------------------------


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
    if filters.status:
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


def _cell(value: str) -> str:
    """Neutralise text a spreadsheet would run as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def export_rows(organisation_id: int, filters: TrackerFilter, now: datetime) -> Iterator[str]:
    """The filtered tracker as CSV text, streamed in chunks."""
    qualifications = {q.id: q for q in db.session.scalars(select(Qualification))}
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
                _cell(completion.learner_name),
                _cell(completion.learner_ref),
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
                _cell(completion.tracking_reference),
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


def completion_for_organisation(
    completion_id: int, organisation_id: int | None
) -> Completion | None:
    """A completion of this organisation, or None (another centre's id looks missing)."""
    completion = db.session.get(Completion, completion_id)
    if completion is None or organisation_id is None:
        return None
    return completion if completion.organisation_id == organisation_id else None


# -- staff: sign-off and the certificate's journey -------------------------------------------------


def sign_off(completions: list[Completion], staff: User, now: datetime | None = None) -> int:
    """Verify and sign off completions: each starts its ``certificate`` clock (CHARTER §4).

    Only recorded completions are signed off; others are left alone. Returns how many.
    """
    now = now or utcnow()
    calendar = get_calendar()
    policy = current_policy()
    promise = promises_for(policy)[PROMISE]
    due = charter.due_at(promise, now, calendar)
    count = 0
    for completion in completions:
        if completion.status != CertificateStatus.RECORDED:
            continue
        completion.status = CertificateStatus.SIGNED_OFF.value
        completion.signed_off_at = now
        completion.signed_off_by_id = staff.id
        completion.dispatch_due_at = due
        completion.policy_version_id = policy.id
        completion.certificate_number = f"CERT-{completion.id:07d}"
        count += 1
    db.session.flush()
    return count


def reject_completion(completion: Completion, staff: User, reason: str) -> None:
    """Refuse a completion we cannot certify, with the reason the centre will read."""
    if completion.status != CertificateStatus.RECORDED:
        raise CentreError("Only a completion waiting for our check can be turned down.")
    reason = reason.strip()
    if not reason:
        raise CentreError("Say why the completion cannot be accepted.")
    completion.status = CertificateStatus.REJECTED.value
    completion.rejected_reason = reason
    db.session.flush()


def mark_printed(completions: list[Completion], now: datetime | None = None) -> int:
    """Record that certificates were printed; only signed-off ones move. Returns how many."""
    now = now or utcnow()
    count = 0
    for completion in completions:
        if completion.status == CertificateStatus.SIGNED_OFF:
            completion.status = CertificateStatus.PRINTED.value
            completion.printed_at = now
            count += 1
    db.session.flush()
    return count


def mark_dispatched(
    completions: list[Completion],
    postage_class: str,
    tracking_reference: str = "",
    now: datetime | None = None,
) -> int:
    """Record posting: the promise is met at this moment, and the expected arrival window is
    worked out from the postage class and kept (CHARTER §4). Printed certificates, and ones
    sent again after a return, move; returns how many."""
    if postage_class not in charter.DEFAULT_POSTAGE:
        raise CentreError("Choose a postage class.")
    now = now or utcnow()
    window = charter.arrival_window(now, postage_class, get_calendar())
    count = 0
    for completion in completions:
        if completion.status not in (CertificateStatus.PRINTED, CertificateStatus.RETURNED):
            continue
        completion.status = CertificateStatus.DISPATCHED.value
        completion.dispatched_at = now
        completion.postage_class = postage_class
        completion.tracking_reference = tracking_reference.strip()
        completion.arrival_from, completion.arrival_to = window
        completion.returned_at = None
        count += 1
    db.session.flush()
    return count


def mark_returned(completion: Completion, note: str = "", now: datetime | None = None) -> None:
    """The post office sent the certificate back: the centre sees it, and staff can post it
    again once the address is sorted out."""
    if completion.status != CertificateStatus.DISPATCHED:
        raise CentreError("Only a posted certificate can come back undelivered.")
    completion.status = CertificateStatus.RETURNED.value
    completion.returned_at = now or utcnow()
    completion.return_note = note.strip()
    db.session.flush()


def arrival_text(completion: Completion) -> str:
    """ "between Monday 4 January and Wednesday 6 January" for a posted certificate."""
    if completion.arrival_from is None or completion.arrival_to is None:
        return ""
    return charter.arrival_wording((completion.arrival_from, completion.arrival_to))


STAFF_PAGE_SIZE = 100


def staff_queue(
    status: str,
    organisation_id: int | None = None,
    after: int | None = None,
    limit: int = STAFF_PAGE_SIZE,
) -> tuple[list[Completion], int | None, int]:
    """Completions in one state across centres, oldest first, by keyset on id."""
    query = select(Completion).where(Completion.status == status)
    if organisation_id is not None:
        query = query.where(Completion.organisation_id == organisation_id)
    total = db.session.scalar(query.with_only_columns(func.count()).order_by(None))
    if after is not None:
        query = query.where(Completion.id > after)
    rows = list(db.session.scalars(query.order_by(Completion.id).limit(limit + 1)))
    next_after = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], next_after, total


def completions_by_ids(ids: list[int]) -> list[Completion]:
    if not ids:
        return []
    return list(db.session.scalars(select(Completion).where(Completion.id.in_(ids))))
