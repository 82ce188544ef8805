"""Employer customers' dedicated support: who is covering now (CHARTER §4 employer-support)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from portal.accounts.models import Organisation, StaffAbsence, User
from portal.database import utcnow
from portal.extensions import db
from portal.settings.services import get_calendar


@dataclass(frozen=True)
class SupportCover:
    """Who answers an employer now, and what the employer should be told about it."""

    contact: User | None
    deputy: User | None
    handler: User | None  # the contact, or the deputy while the contact is away
    contact_away_until: date | None
    is_open_now: bool
    closes_at: datetime | None
    opens_at: datetime | None

    @property
    def deputy_covering(self) -> bool:
        return self.handler is not None and self.handler is self.deputy


def absence_on(user: User, day: date) -> StaffAbsence | None:
    return db.session.scalar(
        select(StaffAbsence)
        .where(
            StaffAbsence.user_id == user.id,
            StaffAbsence.starts_on <= day,
            StaffAbsence.ends_on >= day,
        )
        .order_by(StaffAbsence.ends_on.desc())
        .limit(1)
    )


def support_cover(organisation: Organisation, now: datetime | None = None) -> SupportCover:
    """The dedicated contact, the deputy, and which of them handles enquiries right now."""
    now = now or utcnow()
    calendar = get_calendar()
    today = calendar.to_london(now).date()
    contact, deputy = organisation.support_contact, organisation.deputy_contact
    away = absence_on(contact, today) if contact is not None else None
    handler = contact
    if contact is None or away is not None or not contact.is_enabled:
        handler = deputy if deputy is not None and absence_on(deputy, today) is None else contact
    lines = calendar.phone_lines(now)
    return SupportCover(
        contact=contact,
        deputy=deputy,
        handler=handler,
        contact_away_until=away.ends_on if away else None,
        is_open_now=lines.is_open,
        closes_at=lines.closes_at,
        opens_at=lines.opens_at,
    )


def add_absence(user: User, starts_on: date, ends_on: date, note: str = "") -> StaffAbsence:
    """Record that a staff member is away, from and to the dates given (inclusive)."""
    if ends_on < starts_on:
        raise ValueError("The last day away must be on or after the first.")
    absence = StaffAbsence(user=user, starts_on=starts_on, ends_on=ends_on, note=note)
    db.session.add(absence)
    db.session.flush()
    return absence


def upcoming_absences(user: User, today: date) -> list[StaffAbsence]:
    """The user's absences that have not ended by ``today``, soonest first: the ones that can
    still change who covers their employers."""
    return list(db.session.scalars(
        select(StaffAbsence)
        .where(StaffAbsence.user_id == user.id, StaffAbsence.ends_on >= today)
        .order_by(StaffAbsence.starts_on)
    ))


def own_absence(user: User, absence_id: int) -> StaffAbsence | None:
    """One of the user's own absences, or None: nobody removes a colleague's absence, and
    another's id is answered like a missing one so ids are not probed."""
    absence = db.session.get(StaffAbsence, absence_id)
    return absence if absence is not None and absence.user_id == user.id else None


def end_absence(absence: StaffAbsence) -> None:
    """Remove an absence; the contact handles their employers again (CHARTER §4)."""
    db.session.delete(absence)
    db.session.flush()
