"""Escalation before a breach (issue #16): at each configured number of office hours
before what falls due next, tell the assignee; at the later thresholds the team lead too
(or the lead straight away when nobody has the case). Each person is told once per request,
due instant and threshold (a unique row), so a rerun alerts nobody twice, and a re-dated
case can be escalated again because its due instant is new.

Alerts show on the staff home page and go by email through the outbox.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.charter import add_office_seconds
from portal.charter.wording import format_london
from portal.database import utcnow
from portal.extensions import db
from portal.notify.services import queue_email
from portal.requests.models import OPEN_STATUSES, ServiceRequest, Status
from portal.settings.services import escalation_minutes, get_calendar
from portal.staff.models import StaffAlert
from portal.staff.teams import team_leads, team_of_kind
from portal.urls import external_url


def _people(request: ServiceRequest, first: bool) -> list[tuple[User, str]]:
    team = team_of_kind(request.kind)
    leads = team_leads(team.code) if team else []
    assignee = request.assignee if request.assignee and request.assignee.is_enabled else None
    people = [(assignee, "assignee")] if assignee else []
    if not first or assignee is None:
        people += [(lead, "team-lead") for lead in leads
                   if assignee is None or lead.id != assignee.id]
    return people


def escalate(now: datetime | None = None) -> str:
    """Job: alert about open cases within a threshold of their due instant."""
    now = now or utcnow()
    cal = get_calendar()
    thresholds = escalation_minutes()
    if not thresholds:
        return "no thresholds set"
    horizon = add_office_seconds(now, thresholds[0] * 60, cal)
    cases = db.session.scalars(
        select(ServiceRequest).options(joinedload(ServiceRequest.assignee))
        .where(ServiceRequest.status.in_([s.value for s in OPEN_STATUSES]),
               ServiceRequest.status != Status.WAITING_CUSTOMER.value,
               ServiceRequest.next_due_at > now, ServiceRequest.next_due_at <= horizon)
        .order_by(ServiceRequest.next_due_at)).unique().all()
    sent = 0
    for request in cases:
        left = cal.office_seconds_between(now, request.next_due_at)
        # The smallest threshold already crossed decides who hears now.
        crossed = [m for m in thresholds if left <= m * 60]
        if not crossed:
            continue
        minutes = crossed[-1]
        first = minutes == thresholds[0]
        for person, reason in _people(request, first):
            sent += _alert(request, person, reason, minutes)
    db.session.flush()
    return f"sent {sent} escalation alerts"


def _alert(request: ServiceRequest, person: User, reason: str, minutes: int) -> int:
    exists = db.session.scalar(select(StaffAlert.id).where(
        StaffAlert.request_id == request.id, StaffAlert.due_at == request.next_due_at,
        StaffAlert.threshold_minutes == minutes, StaffAlert.user_id == person.id))
    if exists is not None:
        return 0
    db.session.add(StaffAlert(user_id=person.id, request_id=request.id,
                              due_at=request.next_due_at, threshold_minutes=minutes,
                              reason=reason))
    due_words = format_london(request.next_due_at, with_year=True)
    queue_email(
        f"escalation:{request.id}:{request.next_due_at.isoformat()}:{minutes}:{person.id}",
        person.email, f"{request.reference} is due by {due_words}", "staff_escalation",
        request_id=request.id, request=request, name=person.first_name, reason=reason,
        due_words=due_words, hours_text=hours_words(minutes),
        link=external_url("staff.request_detail", reference=request.reference))
    return 1


def hours_words(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    parts = ([f"{hours} office hour{'s' if hours != 1 else ''}"] if hours else []) + (
        [f"{mins} minutes"] if mins else [])
    return " ".join(parts)


def alerts_for(user_id: int, limit: int = 20) -> list[StaffAlert]:
    """The person's alerts about cases still open, the soonest due first."""
    return list(db.session.scalars(
        select(StaffAlert).options(joinedload(StaffAlert.request))
        .join(ServiceRequest, ServiceRequest.id == StaffAlert.request_id)
        .where(StaffAlert.user_id == user_id,
               ServiceRequest.status.in_([s.value for s in OPEN_STATUSES]),
               ServiceRequest.next_due_at == StaffAlert.due_at)
        .order_by(StaffAlert.due_at, StaffAlert.id).limit(limit)))
