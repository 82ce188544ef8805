"""An uploaded file's report, kept so the centre can download the rows we could not use,
each with its reason, fix them and upload them again (issue 20). The report is written in
the same transaction as the rows it describes; a file that cannot be read keeps nothing."""

from __future__ import annotations

import csv
import io

from portal.accounts.models import Organisation, User
from portal.certificates import csv_import, registrations
from portal.certificates.csv_import import UploadResult
from portal.certificates.models import UploadReport
from portal.csvsafe import safe_cell
from portal.extensions import db

IMPORTERS = {
    "registrations": registrations.import_registrations_csv,
    "completions": csv_import.import_completions_csv,
}

#: Each upload's template columns, for its page.
HEADERS = {
    "registrations": registrations.TEMPLATE_HEADER,
    "completions": csv_import.CSV_TEMPLATE_HEADER,
}


def rejects_csv(result: UploadResult) -> str:
    """The rejected rows as they were, plus a reason column; every cell made safe to open in
    a spreadsheet (a cell starting =, +, - or @ is not run as a formula)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in result.header] + ["reason", "line"])
    width = len(result.header)
    for problem in result.rejected:
        cells = list(problem.cells[:width]) + [""] * (width - len(problem.cells))
        writer.writerow([safe_cell(c) for c in cells] + [safe_cell(problem.reason),
                                                         str(problem.line)])
    return out.getvalue()


def upload(kind: str, organisation: Organisation, user: User, filename: str,
           data: bytes) -> tuple[UploadReport, UploadResult]:
    """Check and store one file of ``kind`` (registrations or completions) and keep its
    report. Raises CentreError, storing nothing, when the file cannot be read."""
    result = IMPORTERS[kind](organisation, user, data)
    report = UploadReport(
        organisation_id=organisation.id, kind=kind, filename=(filename or "")[:200],
        created_by_id=user.id, rows=result.rows, accepted=result.accepted,
        already_recorded=result.already_recorded, rejected=len(result.rejected),
        rejects_csv=rejects_csv(result) if result.rejected else "",
    )
    db.session.add(report)
    db.session.flush()
    return report, result


def report_for(organisation_id: int, report_id: int) -> UploadReport | None:
    """One of this centre's upload reports, or None."""
    report = db.session.get(UploadReport, report_id)
    return report if report is not None and report.organisation_id == organisation_id else None
