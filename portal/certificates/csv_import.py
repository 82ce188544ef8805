"""A centre's file of completions: every row checked, the good ones kept, the rest reported
by line number (CHARTER.md section 4, ``certificate``: a completion is recorded only once
assessment is fully signed off).

Rows already recorded (same learner, qualification and completion date at this centre) are
counted and skipped, so the same file uploaded twice changes nothing. Built for thousands of
rows: rows are checked in Python, existing keys are found with one query and the new rows go
in with one bulk insert that also ignores a concurrent duplicate.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import String, any_, bindparam, func, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import ARRAY

from portal.accounts.models import Organisation, User
from portal.approvals.models import Qualification
from portal.approvals.services import CentreError
from portal.certificates import claims
from portal.certificates.models import CertificateStatus, Completion, Registration
from portal.certificates.services import (
    approved_qualifications,
    completed_on_problem,
    learner_name_problem,
    learner_ref_problem,
    normalise_learner_ref,
    require_approved,
    sign_off,
)
from portal.clock import london_today
from portal.database import utcnow
from portal.extensions import db

MAX_CSV_ROWS = 20_000

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

#: A completion's natural key: learner, qualification, completion date.
Key = tuple[str, int, date]


@dataclass(frozen=True)
class RowProblem:
    line: int
    learner: str
    reason: str
    #: The row as it was in the file, for the rejects download.
    cells: tuple[str, ...] = ()


@dataclass
class UploadResult:
    header: tuple[str, ...] = ()
    rows: int = 0
    accepted: int = 0
    already_recorded: int = 0
    rejected: list[RowProblem] = field(default_factory=list)


def csv_template() -> str:
    """The file a centre downloads to fill in: the header and two example rows."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_TEMPLATE_HEADER)
    writer.writerow(["Amira Hassan", "amira.hassan@example.com", "CSC-301", "2026-11-02", "yes"])
    writer.writerow(["Liam O'Neill", "RC-004512", "CSC-301", "02/11/2026", "yes"])
    return out.getvalue()


def import_completions_csv(organisation: Organisation, user: User, data: bytes) -> UploadResult:
    """Check every row of an upload, keep the good ones and report the rest by line number
    (see the module's docstring)."""
    require_approved(organisation)
    records = _records(csv.reader(io.StringIO(_decode(data), newline=""), strict=True))
    first = next(records, None)
    if first is None:
        raise CentreError("The file is empty.")
    context = _Context.for_file(organisation, _columns(first[1]), len(first[1]))
    result = UploadResult(header=tuple(first[1]))
    candidates = _check_rows(records, context, result)
    _insert_new(organisation, user, candidates, result)
    return result


# -- reading the file ---------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    """The file's text: UTF-8, with or without the byte-order mark spreadsheets add. Any
    other encoding, or a NUL byte (a spreadsheet's own format renamed .csv), is refused
    whole, so nothing of a file we cannot trust is kept."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        raise CentreError(
            "We could not read the file: it is not a plain CSV file in UTF-8. Save it from "
            "your spreadsheet as 'CSV UTF-8' and upload it again. Nothing from this file "
            "was saved."
        )
    return text


def _records(reader) -> Iterator[tuple[int, list[str]]]:
    """Each record that is not blank, with the line it starts on (a quoted cell may span
    lines, so the line is counted from where the previous record ended)."""
    line = 0
    try:
        for row in reader:
            start_line, line = line + 1, reader.line_num
            if any(cell.strip() for cell in row):
                yield start_line, row
    except csv.Error:
        # A NUL byte or a quote left open to the end of the file: not a CSV we can trust,
        # so nothing of it is kept (the caller rolls back).
        raise CentreError(
            f"We could not read the file after line {line}: it is not a plain CSV file. "
            "Save it from your spreadsheet as 'CSV UTF-8' and upload it again. "
            "Nothing from this file was saved."
        ) from None


def _columns(header: list[str]) -> dict[str, int]:
    """Where each field is, from the header's names (see :data:`CSV_COLUMNS`)."""
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


# -- checking rows -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """What every row of one file is checked against, looked up once."""

    organisation_id: int
    columns: dict[str, int]
    qualifications: dict[str, Qualification]  # the centre's own, by upper-case code
    catalogue: set[str]  # every code we know, upper case
    today: date
    width: int  # how many columns the first line names

    @classmethod
    def for_file(cls, organisation: Organisation, columns: dict[str, int],
                 width: int) -> _Context:
        return cls(
            organisation_id=organisation.id,
            columns=columns,
            width=width,
            qualifications={q.code.upper(): q for q in approved_qualifications(organisation)},
            catalogue=set(db.session.scalars(select(func.upper(Qualification.code)))),
            today=london_today(),
        )


@dataclass(frozen=True)
class _Row:
    """One record's cells, tidied the way the form tidies them."""

    name: str
    ref: str
    code: str
    when_text: str
    signed: str

    @classmethod
    def read(cls, cells: list[str], columns: dict[str, int]) -> _Row:
        cells = cells + [""] * (max(columns.values()) + 1 - len(cells))
        return cls(
            name=" ".join(cells[columns["learner_name"]].split()),
            ref=normalise_learner_ref(cells[columns["learner_ref"]]),
            code=cells[columns["qualification"]].strip().upper(),
            when_text=cells[columns["completed_on"]],
            signed=cells[columns["signed_off"]].strip().lower(),
        )

    @property
    def completed_on(self) -> date | None:
        return _parse_date(self.when_text)


def _width_problem(cells: list[str], context: _Context) -> str | None:
    """A row with more filled cells than the header names: its cells have shifted (often a
    comma inside a cell without quotes), so every later check would read the wrong column."""
    filled = len(cells)
    while filled and not cells[filled - 1].strip():
        filled -= 1
    if filled <= context.width:
        return None
    return (f"This line has {filled} columns but the first line names {context.width}. "
            "If a name or identifier has a comma in it, put it in double quotes (saving from "
            "a spreadsheet as CSV does this for you).")


def _row_problem(row: _Row, context: _Context) -> str | None:
    """Why this row cannot be recorded, in words for the upload report, or None."""
    problem = learner_name_problem(row.name) or learner_ref_problem(row.ref)
    if problem is not None:
        return problem
    if not row.code:
        return "Enter the qualification code."
    if row.code not in context.qualifications:
        if row.code in context.catalogue:
            return f"Your centre is not approved for qualification {row.code}."
        return f"There is no qualification with the code {row.code}."
    completed_on = row.completed_on
    if completed_on is None:
        shown = row.when_text.strip()
        return "Enter the completion date as YYYY-MM-DD or DD/MM/YYYY" + (
            f" (got '{shown}')." if shown else "."
        )
    if row.signed in _NO:
        return "Assessment must be fully signed off (write yes) before recording."
    if row.signed not in _YES:
        return "Write yes in the assessment signed off column."
    return completed_on_problem(completed_on, context.today)


def _check_rows(
    records: Iterable[tuple[int, list[str]]], context: _Context, result: UploadResult
) -> dict[Key, tuple[int, _Row]]:
    """The good rows by natural key (with the line each is on); the others go into
    ``result.rejected``, as does a row repeating an earlier one of the same file."""
    candidates: dict[Key, tuple[int, _Row]] = {}
    for start_line, cells in records:
        result.rows += 1
        if result.rows > MAX_CSV_ROWS:
            raise CentreError(
                f"A file can hold up to {MAX_CSV_ROWS:,} learners. Split it and upload each part."
            )
        row = _Row.read(cells, context.columns)
        problem = _width_problem(cells, context) or _row_problem(row, context)
        if problem is None:
            key = (row.ref, context.qualifications[row.code].id, row.completed_on)
            if key in candidates:
                problem = (
                    "The same learner, qualification and date are already on line "
                    f"{candidates[key][0]}."
                )
            else:
                candidates[key] = (start_line, row)
        if problem is not None:
            result.rejected.append(
                RowProblem(start_line, row.name or row.ref, problem, tuple(cells))
            )
    return candidates


# -- keeping the good rows -----------------------------------------------------------------------


def _insert_new(
    organisation: Organisation,
    user: User,
    candidates: dict[Key, tuple[int, _Row]],
    result: UploadResult,
) -> None:
    """Insert the rows not recorded before, in one statement; count the ones that were."""
    refs = {ref for ref, _q, _d in candidates}
    existing = _existing_keys(organisation.id, refs)
    now = utcnow()
    # Each claim's check is due by the claim-check promise (CHARTER §9), and it closes the
    # learner's registration where there is one (issue 20).
    check_due_at, check_version = claims.check_due(now)
    registered = _registrations(organisation.id, refs)
    new_rows = [
        _values(organisation.id, user.id, key, row, now)
        | {"check_due_at": check_due_at, "check_policy_version_id": check_version,
           "registration_id": registered.get(key[:2]), "claim_kind": "full", "units": ""}
        for key, (_line, row) in candidates.items()
        if key not in existing
    ]
    if new_rows:
        insert_ignoring_duplicates(
            Completion, new_rows,
            ["organisation_id", "learner_ref", "qualification_id", "completed_on"])
        _sign_off_direct(organisation, user, now)
    result.already_recorded = len(candidates) - len(new_rows)
    result.accepted = len(new_rows)


def _registrations(organisation_id: int, refs: set[str]) -> dict[tuple[str, int], int]:
    """The registrations of these learners, by (learner, qualification)."""
    found: dict[tuple[str, int], int] = {}
    ordered = sorted(refs)
    for start in range(0, len(ordered), 5000):
        rows = db.session.execute(
            select(Registration.learner_ref, Registration.qualification_id, Registration.id)
            .where(Registration.organisation_id == organisation_id,
                   among(Registration.learner_ref, ordered[start:start + 5000]))
        )
        found.update({(ref, q): rid for ref, q, rid in rows})
    return found


def _sign_off_direct(organisation: Organisation, user: User, now: datetime) -> None:
    """On the direct route the centre's own sign-off counts: the rows just added for those
    qualifications are signed off at once, starting their certificate clocks."""
    direct = [q for q, route in claims.routes_of(organisation.id).items() if route == "direct"]
    if not direct:
        return
    added = list(db.session.scalars(select(Completion).where(
        Completion.organisation_id == organisation.id,
        Completion.status == CertificateStatus.RECORDED.value,
        Completion.qualification_id.in_(direct),
        Completion.recorded_at == now,
    )))
    for completion in added:
        completion.check_due_at = completion.check_policy_version_id = None
    sign_off(added, user, now)


def _values(organisation_id: int, user_id: int, key: Key, row: _Row, now: datetime) -> dict:
    ref, qualification_id, completed_on = key
    return {
        "organisation_id": organisation_id,
        "qualification_id": qualification_id,
        "learner_name": row.name,
        "learner_ref": ref,
        "completed_on": completed_on,
        "assessment_signed_off": True,
        "status": CertificateStatus.RECORDED.value,
        "source": "csv",
        "recorded_at": now,
        "recorded_by_id": user_id,
        "rejected_reason": "",
        "tracking_reference": "",
        "return_note": "",
    }


def _existing_keys(organisation_id: int, refs: set[str]) -> set[Key]:
    """The natural keys already recorded for these learners, in one query."""
    if not refs:
        return set()
    rows = db.session.execute(
        select(Completion.learner_ref, Completion.qualification_id, Completion.completed_on).where(
            Completion.organisation_id == organisation_id, among(Completion.learner_ref, refs)
        )
    )
    return {(ref, qualification_id, on) for ref, qualification_id, on in rows}


def among(column, values) -> object:
    """``column IN values`` for a long list: on PostgreSQL ``= ANY(array)``, one parameter
    instead of thousands for the driver to parse (docs/PERFORMANCE.md)."""
    if db.engine.dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(String)))
    return column.in_(values)


def insert_ignoring_duplicates(model, rows: list[dict], key: list[str]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING on the natural key ``key``, so a second upload racing
    this one cannot create a duplicate or fail the whole file.

    On PostgreSQL the rows are streamed with COPY into a temporary table and moved across with
    one INSERT ... SELECT: an executemany would be 20,000 statements through the driver, and
    one huge multi-row INSERT costs the driver more to parse than the server to run
    (docs/PERFORMANCE.md). SQLite runs in-process, so its executemany is already cheap. Both
    run inside the request's transaction: a refusal later rolls all of it back."""
    if not rows:
        return
    table = model.__table__
    if db.engine.dialect.name != "postgresql":
        db.session.execute(sqlite.insert(table).on_conflict_do_nothing(index_elements=key), rows)
        return
    from psycopg import sql

    columns = list(rows[0])
    names = sql.SQL(", ").join(map(sql.Identifier, columns))
    staging = sql.Identifier(f"upload_{table.name}")
    cursor = db.session.connection().connection.driver_connection.cursor()
    # Only the columns the rows carry: no id default, so no sequence numbers are used up.
    cursor.execute(sql.SQL("CREATE TEMPORARY TABLE IF NOT EXISTS {} ON COMMIT DROP AS "
                           "SELECT {} FROM {} WITH NO DATA")
                   .format(staging, names, sql.Identifier(table.name)))
    cursor.execute(sql.SQL("TRUNCATE {}").format(staging))
    with cursor.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(staging, names)) as copy:
        for row in rows:
            copy.write_row([row[name] for name in columns])
    cursor.execute(sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {} ON CONFLICT ({}) DO NOTHING")
                   .format(sql.Identifier(table.name), names, names, staging,
                           sql.SQL(", ").join(map(sql.Identifier, key))))
