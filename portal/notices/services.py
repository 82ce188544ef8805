"""Publishing service notices, updating them, and reading the ones in force.

A notice that closes the office for a day adds that closure to the calendar in the same
transaction (CHARTER.md section 1), and says that dates already promised stand: due dates are
stored with each case and never move by themselves (CHARTER.md section 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import g
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from portal.audit.services import ACTIONS
from portal.audit.services import record as audit
from portal.charter import DEFAULT_PROMISES, LONDON, PROMISE_CODES
from portal.charter.wording import format_date
from portal.database import utcnow
from portal.extensions import db
from portal.notices.models import NoticeKind, NoticeUpdate, ServiceNotice
from portal.settings.services import add_calendar_day, get_calendar

ACTIONS.setdefault("notice.published", "Service notice published")
ACTIONS.setdefault("notice.updated", "Service notice updated")

#: What a closure notice adds, in the product's words (CHARTER.md section 5).
DATES_STAND = ("Dates we have already given you for requests stay the same; "
               "this closure applies to requests that reach us from now on.")


class NoticeRefused(ValueError):
    """A notice that cannot be published as asked (the reason is for the form)."""


@dataclass
class NoticeDraft:
    kind: str
    title: str
    effect: str
    promises: list[str]
    starts_at: datetime
    ends_at: datetime | None
    closure_day: date | None = None


def publish_notice(draft: NoticeDraft, user=None, now: datetime | None = None) -> ServiceNotice:
    """Publish a notice; a closure day goes onto the calendar in the same step."""
    now = now or utcnow()
    if draft.ends_at is not None and draft.ends_at <= draft.starts_at:
        raise NoticeRefused("The end must be after the start.")
    if draft.closure_day is not None:
        cal = get_calendar()
        if draft.closure_day < now.astimezone(LONDON).date():
            raise NoticeRefused("The office cannot be closed on a day that has passed.")
        if not cal.is_working_day(draft.closure_day):
            raise NoticeRefused(
                f"{format_date(draft.closure_day)} is not a working day, so the office is "
                "closed already.")
    notice = ServiceNotice(
        kind=draft.kind, title=draft.title.strip(), effect=draft.effect.strip(),
        promises=sorted(set(draft.promises)), starts_at=draft.starts_at, ends_at=draft.ends_at,
        closure_day=draft.closure_day, created_at=now, updated_at=now,
        created_by_id=user.id if user else None,
    )
    db.session.add(notice)
    db.session.flush()
    if draft.closure_day is not None:
        add_calendar_day(draft.closure_day, "closure", draft.title.strip()[:200])
    audit("notice.published", notice, actor=user, details={"title": notice.title[:100]})
    return notice


def update_notice(notice: ServiceNotice, body: str, ends_at: datetime | None = None,
                  end_now: bool = False, user=None, now: datetime | None = None) -> NoticeUpdate:
    """Add a dated update to a notice, optionally changing when it ends (or ending it now)."""
    now = now or utcnow()
    if end_now:
        # A notice withdrawn before it starts ends a second after its start (the table
        # requires an end after the start), so it is never shown as in force.
        ends_at = max(now, notice.starts_at + timedelta(seconds=1))
    if ends_at is not None:
        if ends_at <= notice.starts_at:
            raise NoticeRefused("The end must be after the start.")
        notice.ends_at = ends_at
    update = NoticeUpdate(notice=notice, body=body.strip(), made_at=now,
                          made_by_id=user.id if user else None)
    notice.updated_at = now
    db.session.add(update)
    db.session.flush()
    audit("notice.updated", notice, actor=user, details={"title": notice.title[:100]})
    return update


def active_notices(now: datetime | None = None) -> list[ServiceNotice]:
    """Notices in force now, the newest first; read once per request (every page shows them)."""
    if now is None:
        cached = g.get("_active_notices")
        if cached is not None:
            return cached
    at = now or utcnow()
    found = list(db.session.scalars(
        select(ServiceNotice)
        .where(or_(ServiceNotice.ends_at.is_(None), ServiceNotice.ends_at > at),
               ServiceNotice.starts_at <= at)
        .order_by(ServiceNotice.starts_at.desc(), ServiceNotice.id.desc())
    ))
    if now is None:
        g._active_notices = found
    return found


def notices_affecting(promise_code: str, now: datetime | None = None) -> list[ServiceNotice]:
    """Active notices that affect one promise (shown on each affected open request)."""
    return [n for n in active_notices(now) if promise_code in (n.promises or [])]


def all_notices(limit: int = 200) -> list[ServiceNotice]:
    """Every notice, newest start first, with its updates: the public history."""
    return list(db.session.scalars(
        select(ServiceNotice).options(selectinload(ServiceNotice.updates))
        .order_by(ServiceNotice.starts_at.desc(), ServiceNotice.id.desc()).limit(limit)
    ))


def get_notice(notice_id: int) -> ServiceNotice | None:
    return db.session.get(ServiceNotice, notice_id)


def promise_titles() -> dict[str, str]:
    """Each promise's short title by code, for the promises a notice affects."""
    return {code: DEFAULT_PROMISES[code].title for code in PROMISE_CODES}


def is_closure(notice: ServiceNotice) -> bool:
    return notice.closure_day is not None or notice.kind == NoticeKind.CLOSURE.value
