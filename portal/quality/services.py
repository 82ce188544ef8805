"""Quality visits and their actions (issue 20): staff record a visit and its actions; the
centre marks an action done with its evidence; staff accept it or return it with a note.
The centre is told by email (through the outbox) of a new visit and a returned action."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from portal.accounts.models import Organisation, OrgKind, User
from portal.audit.services import record as audit
from portal.clock import london_today
from portal.database import utcnow
from portal.extensions import db
from portal.notify.services import queue_email
from portal.quality.models import ActionStatus, QualityAction, QualityVisit, VisitOutcome
from portal.settings.services import get_calendar
from portal.urls import external_url


class QualityError(Exception):
    """A change the rules refuse; ``str()`` is the message to show."""


def _tell_centre(organisation: Organisation, key: str, subject: str, template: str,
                 **context) -> None:
    for person in organisation.users:
        if person.is_enabled:
            queue_email(f"{key}:{person.id}", person.email, subject, template, user=person,
                        link=external_url("centre.quality_visits"), **context)


def _working_day(day: date) -> None:
    if not get_calendar().is_working_day(day):
        raise QualityError(f"{day:%d/%m/%Y} is not a working day: choose a working day.")


def centre(organisation_id: int) -> Organisation | None:
    return db.session.get(Organisation, organisation_id)


def record_visit(organisation: Organisation | None, staff: User, *, visited_on: date,
                 assessor_name: str, outcome: str, summary: str,
                 actions: list[tuple[str, date]]) -> QualityVisit:
    """A visit to an approved centre and the actions it leaves, each due on a working day."""
    if organisation is None or organisation.kind != OrgKind.CENTRE or not organisation.is_approved:
        raise QualityError("Choose an approved centre.")
    outcome = VisitOutcome(outcome).value
    if visited_on > london_today():
        raise QualityError("The visit date cannot be in the future.")
    if outcome != VisitOutcome.SATISFACTORY and not actions:
        raise QualityError("Add at least one action for this outcome.")
    visit = QualityVisit(organisation_id=organisation.id, visited_on=visited_on,
                         assessor_name=" ".join(assessor_name.split()), outcome=outcome,
                         summary=summary.strip(), recorded_by_id=staff.id)
    for description, due_on in actions:
        _working_day(due_on)
        if due_on < visited_on:
            raise QualityError("An action cannot be due before the visit.")
        visit.actions.append(QualityAction(organisation_id=organisation.id,
                                           description=description.strip(), due_on=due_on))
    db.session.add(visit)
    db.session.flush()
    audit("quality.visit_recorded", visit, actor=staff,
          summary=f"{organisation.name}: {visit.outcome_label}")
    _tell_centre(organisation, f"quality-visit:{visit.id}", "Your quality visit report",
                 "quality_visit", visit=visit)
    return visit


def submit_evidence(action: QualityAction, user: User, evidence: str) -> None:
    """The centre marks an action done, saying what it did."""
    if action.status not in (ActionStatus.OPEN, ActionStatus.RETURNED):
        raise QualityError("This action is not waiting for you.")
    evidence = evidence.strip()
    if not evidence:
        raise QualityError("Say what you did, and where we can see it.")
    action.status = ActionStatus.SUBMITTED.value
    action.evidence = evidence
    action.evidence_at = utcnow()
    action.evidence_by_id = user.id
    db.session.flush()
    audit("quality.action_done", action, actor=user, summary=action.description[:100])


def decide_action(action: QualityAction, staff: User, accept: bool, note: str = "") -> None:
    """Staff accept the evidence, or return the action with what is still needed."""
    if action.status != ActionStatus.SUBMITTED:
        raise QualityError("Only an action the centre has marked done can be reviewed.")
    note = note.strip()
    if not accept and not note:
        raise QualityError("Say what is still needed.")
    action.status = (ActionStatus.ACCEPTED if accept else ActionStatus.RETURNED).value
    action.staff_note = note
    action.decided_at = utcnow()
    action.decided_by_id = staff.id
    db.session.flush()
    audit("quality.action_accepted" if accept else "quality.action_returned", action,
          actor=staff, summary=action.description[:100])
    if not accept:
        _tell_centre(action.visit.organisation,
                     f"quality-returned:{action.id}:{action.decided_at:%Y%m%d%H%M%S}",
                     "A quality action needs more from you", "quality_action_returned",
                     action=action)


def visits_of(organisation_id: int) -> list[QualityVisit]:
    """A centre's visits, newest first, with their actions."""
    return list(db.session.scalars(
        select(QualityVisit).where(QualityVisit.organisation_id == organisation_id)
        .order_by(QualityVisit.visited_on.desc(), QualityVisit.id.desc())
    ))


def recent_visits(limit: int = 50) -> list[QualityVisit]:
    return list(db.session.scalars(
        select(QualityVisit).order_by(QualityVisit.visited_on.desc(), QualityVisit.id.desc())
        .limit(limit)
    ))


def overdue_count(now: datetime, organisation_id: int | None = None) -> int:
    """Actions past their date and still with the centre."""
    query = select(QualityAction).where(
        QualityAction.status.in_([ActionStatus.OPEN.value, ActionStatus.RETURNED.value]))
    if organisation_id is not None:
        query = query.where(QualityAction.organisation_id == organisation_id)
    return sum(1 for action in db.session.scalars(query) if action.is_overdue(now))


def waiting_for_review() -> list[QualityAction]:
    """Actions centres marked done, oldest first: the staff queue."""
    return list(db.session.scalars(
        select(QualityAction).where(QualityAction.status == ActionStatus.SUBMITTED.value)
        .order_by(QualityAction.evidence_at)
    ))


def live_state(organisation_id: int, now: datetime) -> dict:
    """What the centre's quality page watches: every action's stage and lateness, so a
    review by staff (or a new visit) shows without a reload."""
    visits = visits_of(organisation_id)
    stages = [f"{a.id}:{a.status}:{int(a.is_overdue(now))}" for v in visits for a in v.actions]
    return {"status": " ".join(stages), "events": len(visits)}

