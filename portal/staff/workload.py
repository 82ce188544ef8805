"""Working the queue fast (issue #16): take the next case, assign to me, act on many at
once, and named shortcuts to the views a person uses.

Each function flushes and never commits; the request is committed once, after the
response. Every change to a case goes through the same request services the case's own
page uses, so the rules (and the timeline) are the same however the change was made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import or_, select

from portal.accounts.models import Organisation, Role, User
from portal.extensions import db
from portal.requests import services
from portal.requests.models import Kind, ServiceRequest, Status
from portal.staff import queue
from portal.staff.models import SavedView, StaffProfile
from portal.staff.teams import TEAMS

#: At most this many cases in one bulk action (a page of the queue holds 50).
BULK_LIMIT = 200
BULK_ACTIONS = ("assign", "status", "close")
VIEW_PATHS = ("/staff/queue", "/staff/find")


def _allowed(me: User):
    """The cases ``me`` may pick up: an employer's same-day enquiries belong to its
    dedicated contact or deputy (CHARTER.md §4), unless ``me`` leads a team or
    administers; everything else is anyone's."""
    lead = db.session.get(StaffProfile, me.id)
    if me.role == Role.ADMIN or (lead is not None and lead.is_team_lead):
        return None
    contacts = select(Organisation.id).where(or_(Organisation.support_contact_id == me.id,
                                                 Organisation.deputy_contact_id == me.id))
    return or_(ServiceRequest.kind != Kind.EMPLOYER_SUPPORT.value,
               ServiceRequest.organisation_id.is_(None),
               ServiceRequest.organisation_id.in_(contacts))


def take_next(me: User, filters: queue.QueueFilters) -> ServiceRequest | None:
    """Assign to ``me`` the most urgent unassigned open case they may work, among those
    the filters show (their team's, by default); None when there is none.

    What falls due first comes first, as in the queue. On PostgreSQL the row is locked
    and locked rows are skipped, so two people pressing at once get different cases.
    """
    conditions = queue.base_conditions(filters) + [ServiceRequest.assignee_id.is_(None)]
    allowed = _allowed(me)
    if allowed is not None:
        conditions.append(allowed)
    query = (select(ServiceRequest).where(*conditions)
             .order_by(ServiceRequest.next_due_at.is_(None), ServiceRequest.next_due_at,
                       ServiceRequest.id).limit(1))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=ServiceRequest)
    found = db.session.scalar(query)
    if found is not None:
        services.assign(found, me, me)
    return found


def assign_to_me(request: ServiceRequest, me: User) -> None:
    services.assign(request, me, me)


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)
    #: (reference, why) for each case the rules refused.
    refused: list[tuple[str, str]] = field(default_factory=list)


def bulk_apply(me: User, references: list[str], action: str, value: str = "") -> BulkResult:
    """Assign, set the status of, or close several cases at once.

    Each case goes through its own service with its own rules and timeline entry; a case
    the rules refuse (a complaint with no date cannot be answered) is listed, and the
    others still change.
    """
    if action not in BULK_ACTIONS:
        raise services.RequestError("Choose what to do with the selected cases.")
    references = list(dict.fromkeys(r for r in references if r))[:BULK_LIMIT]
    if not references:
        raise services.RequestError("Select at least one case.")
    assignee = None
    if action == "assign" and value:
        assignee = db.session.get(User, int(value)) if value.isdigit() else None
        if assignee is None or assignee.role not in (Role.STAFF, Role.ADMIN):
            raise services.RequestError("Choose a member of staff to assign to.")
    if action == "status" and value not in ("received", "with_team", "answered"):
        raise services.RequestError("Choose the status to set.")
    cases = db.session.scalars(
        select(ServiceRequest).where(ServiceRequest.reference.in_(references))
        .order_by(ServiceRequest.id)).all()
    result = BulkResult()
    for case in cases:
        try:
            with db.session.begin_nested():
                if action == "assign":
                    services.assign(case, me, assignee)
                elif action == "status":
                    services.set_status(case, me, Status(value))
                else:
                    services.close(case, me)
            result.done.append(case.reference)
        except services.RequestError as exc:
            result.refused.append((case.reference, str(exc)))
    return result


# ------------------------------------------------------------------------- saved views


def my_views(me: User) -> list[SavedView]:
    return list(db.session.scalars(
        select(SavedView).where(SavedView.user_id == me.id).order_by(SavedView.name)))


def save_view(me: User, name: str, address: str) -> SavedView:
    """Keep ``address`` (a queue or search address) under ``name`` for ``me``; the same
    name again replaces it."""
    name = " ".join((name or "").split())[:60]
    if not name:
        raise services.RequestError("Enter a name for this view.")
    parts = urlsplit(address or "")
    if parts.scheme or parts.netloc or parts.path not in VIEW_PATHS or len(address) > 600:
        raise services.RequestError("Only queue and search addresses can be saved.")
    found = db.session.scalar(
        select(SavedView).where(SavedView.user_id == me.id, SavedView.name == name))
    if found is None:
        found = SavedView(user_id=me.id, name=name, address=address)
        db.session.add(found)
    found.address = parts.path + (f"?{parts.query}" if parts.query else "")
    db.session.flush()
    return found


def delete_view(me: User, view_id: int) -> bool:
    """Remove one of ``me``'s own views; another person's is treated as missing."""
    found = db.session.get(SavedView, view_id)
    if found is None or found.user_id != me.id:
        return False
    db.session.delete(found)
    db.session.flush()
    return True


def team_choices() -> list[tuple[str, str]]:
    return [(code, team.name) for code, team in TEAMS.items()]
