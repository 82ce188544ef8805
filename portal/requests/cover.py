"""Open same-day cases follow the cover while a dedicated contact is away (CHARTER.md §4,
``employer-support``; issue #16).

New enquiries already go to whoever covers (:func:`portal.accounts.absences.support_cover`).
The cases a contact already holds must move too, or an employer's same-day promise waits
for someone who is not there. Each move is an assignment with a timeline entry that says
why. Runs when an absence that covers today is recorded, and each morning (a job) for
absences that start later.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from portal.accounts.absences import absence_on, support_cover
from portal.accounts.models import Organisation, StaffAbsence, User
from portal.charter import format_date
from portal.database import utcnow
from portal.extensions import db
from portal.requests.models import OPEN_STATUSES, EventKind, Kind, ServiceRequest, Status
from portal.requests.timeline import record_event
from portal.settings.services import get_calendar


def hand_over_open_cases(contact: User, now: datetime | None = None) -> int:
    """Pass ``contact``'s open same-day cases to whoever covers each employer today, if the
    contact is away today. Returns how many moved."""
    now = now or utcnow()
    today = get_calendar().to_london(now).date()
    away = absence_on(contact, today)
    if away is None:
        return 0
    moved = 0
    organisations = db.session.scalars(
        select(Organisation).where(Organisation.support_contact_id == contact.id)
    ).all()
    for organisation in organisations:
        handler = support_cover(organisation, now).handler
        if handler is None or handler.id == contact.id:
            continue
        cases = db.session.scalars(
            select(ServiceRequest).where(
                ServiceRequest.organisation_id == organisation.id,
                ServiceRequest.kind == Kind.EMPLOYER_SUPPORT.value,
                ServiceRequest.assignee_id == contact.id,
                ServiceRequest.status.in_([s.value for s in OPEN_STATUSES]),
            ).order_by(ServiceRequest.id)
        ).all()
        for case in cases:
            case.assignee = handler
            if case.status == Status.RECEIVED:
                case.status = Status.WITH_TEAM.value
            record_event(
                case, EventKind.ASSIGNED, None, now=now, is_internal=True,
                author_name="Member Services Portal",
                body=(f"{contact.full_name} is away until {format_date(away.ends_on)}, "
                      f"so {handler.full_name} covers this case."),
                assignee_id=handler.id, assignee_name=handler.full_name, reason="absence",
            )
            moved += 1
    db.session.flush()
    return moved


def hand_over_for_absences(now: datetime | None = None) -> str:
    """Job: hand over the cases of every contact whose absence covers today."""
    now = now or utcnow()
    today = get_calendar().to_london(now).date()
    away = db.session.scalars(
        select(User).join(StaffAbsence, StaffAbsence.user_id == User.id)
        .where(StaffAbsence.starts_on <= today, StaffAbsence.ends_on >= today).distinct()
    ).all()
    moved = sum(hand_over_open_cases(user, now) for user in away)
    return f"handed over {moved} open cases"
