"""The calendar and promises in force, built from the database.

Every area gets its working calendar and promise catalogue here; nothing else reads the
settings tables. The rules are read once per request or job (two small queries) and the
calendar built from them is cached by their content, so an admin's change applies in every
process, web or worker, from its next request, without a restart (CHARTER.md section 1).
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache
from time import monotonic
from typing import NamedTuple

from flask import current_app, g
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from portal.audit.services import record as audit
from portal.charter import CalendarRules, Promise, WorkingCalendar, build_promises
from portal.charter.promises import DEFAULT_TARGETS
from portal.charter.wording import format_london, format_london_time
from portal.database import unique_or, utcnow
from portal.extensions import db
from portal.settings.models import (
    CalendarDay,
    CaseClockSettings,
    ContactDetails,
    OfficeSettings,
    PolicyVersion,
)

DEFAULT_SETTINGS = {
    "office_open": time(9, 0),
    "office_close": time(17, 0),
    "same_day_cutoff": time(16, 0),
    "at_risk_hours": 4,
    "update_every_days": 5,
}


def office_settings(for_update: bool = False) -> OfficeSettings:
    """The office settings; a transient row with the defaults until an admin saves one."""
    row = db.session.get(OfficeSettings, 1)
    if row is None:
        row = OfficeSettings(id=1, **DEFAULT_SETTINGS)
        if for_update:
            db.session.add(row)
    return row


@lru_cache(maxsize=8)
def _calendar_for(rules: CalendarRules) -> WorkingCalendar:
    return WorkingCalendar(rules)


def calendar_rules() -> CalendarRules:
    settings = office_settings()
    days = db.session.scalars(select(CalendarDay)).all()
    return CalendarRules(
        office_open=settings.office_open,
        office_close=settings.office_close,
        same_day_cutoff=settings.same_day_cutoff,
        closure_days=frozenset(d.day for d in days if d.kind == "closure"),
        closure_reasons={d.day: d.reason for d in days if d.kind == "closure" and d.reason},
        extra_holidays={
            d.day: d.reason or "Bank holiday" for d in days if d.kind == "holiday-added"
        },
        removed_holidays=frozenset(d.day for d in days if d.kind == "holiday-removed"),
    )


_rules_cache: tuple[float, str, CalendarRules] | None = None


def _current_rules() -> CalendarRules:
    """The rules, re-read from the database at most every ``CALENDAR_CACHE_SECONDS`` per
    process (a few seconds in production, so a change applies everywhere almost at once
    without two queries on every page; 0 in tests, which check changes apply at once)."""
    global _rules_cache
    ttl = current_app.config.get("CALENDAR_CACHE_SECONDS", 0)
    database = str(db.engine.url)
    now = monotonic()
    if ttl and _rules_cache and _rules_cache[1] == database and now - _rules_cache[0] < ttl:
        return _rules_cache[2]
    rules = calendar_rules()
    _rules_cache = (now, database, rules)
    return rules


def get_calendar() -> WorkingCalendar:
    """The working calendar in force now, read once per request or job."""
    cached = g.get("_portal_calendar")
    if cached is None:
        cached = g._portal_calendar = _calendar_for(_current_rules())
    return cached


def _calendar_changed() -> None:
    global _rules_cache
    office_settings(for_update=True).updated_at = utcnow()
    g.pop("_portal_calendar", None)
    _rules_cache = None  # this process sees its own change at once


def set_office_hours(
    office_open: time,
    office_close: time,
    cutoff: time,
    *,
    at_risk_hours: int | None = None,
    update_every_days: int | None = None,
) -> None:
    """Change office hours, the same-day cut-off and the queue thresholds; they apply to
    requests received from now (due dates already shown never move, CHARTER §5)."""
    CalendarRules(office_open=office_open, office_close=office_close, same_day_cutoff=cutoff)
    settings = office_settings(for_update=True)
    settings.office_open, settings.office_close = office_open, office_close
    settings.same_day_cutoff = cutoff
    if at_risk_hours is not None:
        settings.at_risk_hours = at_risk_hours
    if update_every_days is not None:
        settings.update_every_days = update_every_days
    _calendar_changed()
    audit(
        "settings.office_hours",
        ("office_settings", 1),
        details={"open": str(office_open), "close": str(office_close), "cutoff": str(cutoff)},
    )


def add_calendar_day(day: date, kind: str, reason: str = "") -> CalendarDay:
    """Record a closure day or a bank-holiday correction (unique per date and kind)."""
    existing = db.session.scalar(
        select(CalendarDay).where(CalendarDay.day == day, CalendarDay.kind == kind)
    )
    if existing is not None:
        existing.reason = reason
        row = existing
    else:
        row = CalendarDay(day=day, kind=kind, reason=reason)
        try:
            with unique_or(db.session, LookupError()):
                db.session.add(row)
                db.session.flush()
        except LookupError:  # the same day added by someone else at this moment (issue #14)
            row = db.session.scalar(
                select(CalendarDay).where(CalendarDay.day == day, CalendarDay.kind == kind)
            )
            row.reason = reason
    db.session.flush()
    _calendar_changed()
    audit(
        "settings.calendar_day_added",
        row,
        details={"day": row.day.isoformat(), "kind": kind, "reason": reason},
    )
    return row


def remove_calendar_day(row: CalendarDay) -> None:
    audit(
        "settings.calendar_day_removed",
        row,
        details={"day": row.day.isoformat(), "kind": row.kind, "reason": row.reason},
    )
    db.session.delete(row)
    db.session.flush()
    _calendar_changed()


def current_policy() -> PolicyVersion:
    """The newest version of the targets, created from the charter's defaults if none."""
    row = db.session.scalar(select(PolicyVersion).order_by(PolicyVersion.id.desc()).limit(1))
    if row is None:
        row = PolicyVersion(targets=dict(DEFAULT_TARGETS), note="Charter defaults")
        db.session.add(row)
        db.session.flush()
    return row


def promises_for(version: PolicyVersion) -> dict[str, Promise]:
    return build_promises(version.targets)


def promises_of_version(version_id: int) -> dict[str, Promise]:
    """The promises of one policy version, read once per app. A version is never edited (a
    change of targets adds a new one, CHARTER.md section 5), so what was read stays true;
    a request page therefore costs no query for its promise."""
    known = current_app.extensions.setdefault("promises_by_version", {})
    found = known.get(version_id)
    if found is None:
        found = known[version_id] = promises_for(db.session.get(PolicyVersion, version_id))
    return found


def current_promises() -> dict[str, Promise]:
    return promises_for(current_policy())


def change_targets(targets: dict[str, int], note: str, user=None) -> PolicyVersion:
    """Add a new version of the targets; cases already promised keep theirs (CHARTER §5)."""
    merged = dict(current_policy().targets)
    merged.update(targets)
    build_promises(merged)  # refuses unknown codes and impossible targets
    row = PolicyVersion(targets=merged, note=note, created_by_id=user.id if user else None)
    db.session.add(row)
    db.session.flush()
    audit(
        "settings.targets_changed",
        row,
        actor=user,
        details={
            "note": note,
            "targets": ", ".join(f"{k}={v}" for k, v in sorted(targets.items())),
        },
    )
    return row


def phone_lines_text(now: datetime | None = None) -> str:
    """ "Lines open until 5pm" or "Lines open at 9am on Monday 30 November" (CHARTER §1)."""
    calendar = get_calendar()
    lines = calendar.phone_lines(now or utcnow())
    if lines.is_open:
        return f"Phone lines open until {format_london_time(lines.closes_at)}"
    return f"Phone lines open at {format_london(lines.opens_at)}"


def calendar_days() -> list[CalendarDay]:
    """Every closure and bank-holiday correction an administrator has entered, by date."""
    return list(db.session.scalars(select(CalendarDay).order_by(CalendarDay.day)))


def upcoming_non_working_days(today: date) -> list[tuple[date, str]]:
    """Weekdays from ``today`` to the end of next year that are not working days, with why
    (CHARTER.md section 1: bank holidays and office closures)."""
    calendar = get_calendar()
    return [
        (day, reason)
        for year in (today.year, today.year + 1)
        for day, reason in calendar.non_working_weekdays(year)
        if day >= today
    ]


def policy_versions(limit: int = 20) -> list[PolicyVersion]:
    """The newest versions of the promise targets (CHARTER.md section 5)."""
    return list(
        db.session.scalars(select(PolicyVersion).order_by(PolicyVersion.id.desc()).limit(limit))
    )


class ContactInfo(NamedTuple):
    """The organisation's published contact details, as every page's footer shows them."""

    phone: str
    email: str
    postal_address: str


_contact_cache: tuple[float, str, ContactInfo] | None = None


def contact_details() -> ContactInfo:
    """The organisation's published phone, email and postal address (every page's footer;
    blank until an administrator saves them). Kept per process like the calendar, for
    ``CALENDAR_CACHE_SECONDS``, so the footer costs no query on most pages."""
    global _contact_cache
    ttl = current_app.config.get("CALENDAR_CACHE_SECONDS", 0)
    database = str(db.engine.url)
    now = monotonic()
    if ttl and _contact_cache and _contact_cache[1] == database and now - _contact_cache[0] < ttl:
        return _contact_cache[2]
    try:
        row = db.session.get(ContactDetails, 1)
    except SQLAlchemyError:
        # The footer of a page drawn while the database is away (the 503 page): the last
        # details this process saw, or none, rather than a second error.
        db.session.rollback()
        return _contact_cache[2] if _contact_cache else ContactInfo("", "", "")
    info = ContactInfo(row.phone, row.email, row.postal_address) if row else ContactInfo("", "", "")
    _contact_cache = (now, database, info)
    return info


def set_contact_details(phone: str, email: str, postal_address: str, user=None) -> None:
    """Change the contact details every page shows (audited)."""
    global _contact_cache
    row = db.session.get(ContactDetails, 1)
    if row is None:
        row = ContactDetails(id=1)
        db.session.add(row)
    row.phone, row.email, row.postal_address = phone, email, postal_address
    row.updated_at = utcnow()
    db.session.flush()
    _contact_cache = None  # this process shows its own change at once
    audit("settings.contact_details", ("contact_details", 1), actor=user,
          details={"phone": phone, "email": email})


# ------------------------------------------------------------ the case clock (issue #16)

CASE_CLOCK_DEFAULTS = {"chase_after_days": 5, "close_after_days": 10,
                       "reopen_within_days": 10, "escalate_minutes": "240,60"}


def case_clock_settings() -> CaseClockSettings:
    """Chase, close, reopen and warning settings; defaults until an admin saves them."""
    row = db.session.get(CaseClockSettings, 1)
    return row if row is not None else CaseClockSettings(id=1, **CASE_CLOCK_DEFAULTS)


def escalation_minutes() -> list[int]:
    """The warning thresholds in office minutes before due, largest first."""
    text = case_clock_settings().escalate_minutes or ""
    values = {int(p) for p in text.replace(" ", "").split(",") if p.isdigit() and 0 < int(p) < 6000}
    return sorted(values, reverse=True)


def set_case_clock(chase_after_days: int, close_after_days: int, reopen_within_days: int,
                   escalate_hours: list[float]) -> CaseClockSettings:
    """Change the case clock (issue #16). Closing comes after chasing; thresholds are office
    hours before due, at most 40."""
    if close_after_days <= chase_after_days:
        raise ValueError("Close after more working days than the reminder goes.")
    minutes = sorted({round(h * 60) for h in escalate_hours if 0 < h <= 40}, reverse=True)
    if not minutes:
        raise ValueError("Give at least one warning time, in office hours before due.")
    row = db.session.get(CaseClockSettings, 1)
    if row is None:
        row = CaseClockSettings(id=1)
        db.session.add(row)
    row.chase_after_days, row.close_after_days = chase_after_days, close_after_days
    row.reopen_within_days = reopen_within_days
    row.escalate_minutes = ",".join(str(m) for m in minutes)
    row.updated_at = utcnow()
    db.session.flush()
    audit("settings.case_clock", ("case_clock_settings", 1),
          details={"chase": chase_after_days, "close": close_after_days,
                   "reopen": reopen_within_days, "warn_minutes": row.escalate_minutes})
    return row
