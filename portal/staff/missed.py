"""The requests whose promise was missed in a report's period, and why, in words (CHARTER.md §7).

"Missed" is the report's own condition (:func:`portal.staff.report.is_missed`), so the list
always adds up to the report's missed figure; the reason is worked out here from the
request's dates, in office time, because no reason is stored with a request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select

from portal.charter import WorkingCalendar
from portal.extensions import db
from portal.requests.models import Status
from portal.settings.services import current_promises
from portal.staff.report import SR, Period, falls_due_in, is_missed

MISSED_PAGE = 50
_CLOSED = (Status.RESOLVED.value, Status.CLOSED.value)


@dataclass
class Missed:
    id: int
    reference: str
    promise_code: str
    promise_title: str
    subject: str
    requester_name: str
    response_due_at: datetime
    promise_met_at: datetime | None
    status: str
    reason: str


def missed_requests(
    period: Period,
    now: datetime,
    cal: WorkingCalendar,
    after: tuple[datetime, int] | None = None,
    limit: int | None = MISSED_PAGE,
) -> list[Missed]:
    """The requests whose promise was missed, earliest due first, with the reason in words.

    Keyset-paged on (due instant, id): ``after`` is the last row of the previous page.
    """
    catalogue = current_promises()
    query = (
        select(
            SR.id, SR.reference, SR.promise_code, SR.subject, SR.requester_name,
            SR.response_due_at, SR.promise_met_at, SR.status, SR.closed_at,
        )
        .where(falls_due_in(period), is_missed(now))
        .order_by(SR.response_due_at, SR.id)
    )
    if after is not None:
        due, last_id = after
        query = query.where(
            or_(SR.response_due_at > due, and_(SR.response_due_at == due, SR.id > last_id))
        )
    if limit is not None:
        query = query.limit(limit)
    out = []
    for row in db.session.execute(query):
        promise = catalogue.get(row.promise_code)
        out.append(Missed(
            id=row.id,
            reference=row.reference or "",
            promise_code=row.promise_code,
            promise_title=promise.title if promise else row.promise_code,
            subject=row.subject,
            requester_name=row.requester_name,
            response_due_at=row.response_due_at,
            promise_met_at=row.promise_met_at,
            status=row.status,
            reason=miss_reason(row, now, cal),
        ))
    return out


def missed_page(period: Period, now: datetime, cal: WorkingCalendar,
                after: tuple[datetime, int] | None = None) -> tuple[list[Missed], bool]:
    """One page of :func:`missed_requests` for the report page, and whether more follow."""
    rows = missed_requests(period, now, cal, after=after, limit=MISSED_PAGE + 1)
    return rows[:MISSED_PAGE], len(rows) > MISSED_PAGE


#: What keeping each promise is called in a reason ("called back 2 office hours late").
MET_VERBS = {
    "callback": "called back",
    "complaint": "responded with a date",
    "membership-application": "decided",
    "membership-upgrade": "decided",
    "centre-approval": "decided",
    "certificate": "dispatched",
    "renewal-reminder": "reminded",
}


def office_duration(seconds: float, cal: WorkingCalendar) -> str:
    """Office time in words: '40 minutes', '3 office hours', '2 working days and 1 hour'."""
    seconds = max(0, round(seconds))
    day = cal.close_s - cal.open_s
    if seconds < 3600:
        minutes = max(1, round(seconds / 60))
        return "1 minute" if minutes == 1 else f"{minutes} minutes"
    if seconds < day:
        hours = round(seconds / 3600)
        return "1 office hour" if hours == 1 else f"{hours} office hours"
    days, rest = divmod(seconds, day)
    hours = round(rest / 3600)
    if hours * 3600 >= day:
        days, hours = days + 1, 0
    words = "1 working day" if days == 1 else f"{days} working days"
    if hours:
        words += " and 1 office hour" if hours == 1 else f" and {hours} office hours"
    return words


def miss_reason(row, now: datetime, cal: WorkingCalendar) -> str:
    """Why a missed promise counts as missed, in words (no reason is stored with requests)."""
    verb = MET_VERBS.get(row.promise_code, "replied")
    if row.promise_met_at is not None:
        late = cal.office_seconds_between(row.response_due_at, row.promise_met_at)
        if late <= 0:
            return f"{verb.capitalize()} after closing time on the day it was due"
        return f"{verb.capitalize()} {office_duration(late, cal)} late"
    if row.closed_at is not None or row.status in _CLOSED:
        return "Closed without the promise being met, after it was due"
    overdue = cal.office_seconds_between(row.response_due_at, now)
    if overdue <= 0:
        return "Still open, overdue"
    return f"Still open, overdue by {office_duration(overdue, cal)}"
