"""Where centre applications stand against the ``centre-approval`` promise: the staff queue,
each application's progress in office time, and the status the centre's page polls
(CHARTER.md sections 6 and 7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from portal import charter
from portal.approvals.models import ApplicationStatus, CentreApplication
from portal.charter.wording import office_time_left
from portal.database import utcnow
from portal.extensions import db
from portal.settings.services import get_calendar, office_settings


def open_applications() -> list[CentreApplication]:
    """Applications with our team or waiting for the centre, what falls due first at the top
    (CHARTER §7)."""
    return list(
        db.session.scalars(
            select(CentreApplication)
            .where(
                CentreApplication.status.in_(
                    [ApplicationStatus.SUBMITTED.value, ApplicationStatus.MORE_INFO.value]
                )
            )
            .order_by(CentreApplication.due_at, CentreApplication.id)
        )
    )


def decided_applications(limit: int = 20) -> list[CentreApplication]:
    """The latest decisions, newest first, for the staff page under the queue."""
    return list(
        db.session.scalars(
            select(CentreApplication)
            .where(
                CentreApplication.status.in_(
                    [ApplicationStatus.APPROVED.value, ApplicationStatus.DECLINED.value]
                )
            )
            .order_by(CentreApplication.decided_at.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class Progress:
    """Where a promise stands for a staff queue (CHARTER §7)."""

    state: str  # on_track, at_risk, overdue, paused
    label: str
    time_left: str


STATE_LABELS = {
    "on_track": "On track",
    "at_risk": "At risk",
    "overdue": "Overdue",
    "paused": "Waiting for the centre",
}


def progress(application: CentreApplication, now: datetime | None = None) -> Progress:
    """On track, at risk or overdue in office time; a paused clock is shown as it stood."""
    calendar = get_calendar()
    if application.paused_at is not None:
        left = charter.time_left(application.paused_at, application.due_at, calendar)
        return Progress("paused", STATE_LABELS["paused"], describe_office_time(left, calendar))
    now = now or utcnow()
    state = charter.status(now, application.due_at, calendar, office_settings().at_risk_hours)
    left = charter.time_left(now, application.due_at, calendar)
    return Progress(state, STATE_LABELS[state],
                    describe_office_time(left, calendar, application.due_at))


def describe_office_time(seconds: int, calendar: charter.WorkingCalendar,
                         due: datetime | None = None) -> str:
    """Office time left in words: "3 working days 2 hours left", or past the due instant
    "overdue since 5pm on Friday 27 November"."""
    return office_time_left(seconds, calendar.close_s - calendar.open_s, due)


def live_status(application: CentreApplication) -> dict:
    """What the centre's status page shows, as data for its live updates (CHARTER §6)."""
    due = None
    if application.due_at is not None:
        due = charter.format_london(application.due_at, with_year=True)
    return {
        "reference": application.reference,
        "status": application.status,
        "status_label": application.status_label,
        "due": due,
        "is_paused": application.paused_at is not None,
        "events": len(application.events),
    }
