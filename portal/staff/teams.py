"""The contact centre's teams and who is in them (issue #16).

A request belongs to a team by its kind, so a team's queue is a filter on the kind and
needs no column of its own. Each staff member may have a default team (their queue opens
on it) and may lead it (team leads hear of a promise at risk after the assignee does).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.extensions import db
from portal.requests.models import Kind
from portal.staff.models import StaffProfile


@dataclass(frozen=True)
class Team:
    code: str
    name: str
    kinds: tuple[str, ...]


TEAMS: dict[str, Team] = {
    team.code: team
    for team in (
        Team("membership", "Membership", (
            Kind.QUERY.value, Kind.CALLBACK.value, Kind.FEEDBACK.value,
            Kind.APPLICATION.value, Kind.UPGRADE.value)),
        Team("centres", "Centres", (Kind.CENTRE_SUPPORT.value, Kind.REPRINT.value)),
        Team("complaints", "Complaints", (Kind.COMPLAINT.value,)),
        Team("employer", "Employer support", (Kind.EMPLOYER_SUPPORT.value,)),
    )
}


def team_of_kind(kind: str) -> Team | None:
    return next((t for t in TEAMS.values() if kind in t.kinds), None)


def profile(user: User) -> StaffProfile | None:
    return db.session.get(StaffProfile, user.id)


def default_team(user_id: int | None) -> str | None:
    if user_id is None:
        return None
    found = db.session.get(StaffProfile, user_id)
    return found.team if found is not None else None


def set_default_team(user: User, team: str | None) -> StaffProfile:
    """Set (or clear, with None) the team ``user``'s queue opens on."""
    if team is not None and team not in TEAMS:
        raise ValueError("Choose one of the teams.")
    found = profile(user) or StaffProfile(user_id=user.id, is_team_lead=False)
    found.team = team
    db.session.add(found)
    db.session.flush()
    return found


def team_leads(team: str) -> list[User]:
    """The enabled leads of ``team``."""
    return list(db.session.scalars(
        select(User).join(StaffProfile, StaffProfile.user_id == User.id)
        .where(StaffProfile.team == team, StaffProfile.is_team_lead.is_(True),
               User.is_enabled.is_(True), User.role.in_([Role.STAFF.value, Role.ADMIN.value]))
        .order_by(User.id)))
