"""Who may see or change people, memberships and organisations (ASVS V8.2; the engine is
``portal.security.policy``)."""

from __future__ import annotations

from portal.accounts.models import Membership, Organisation, Role, User
from portal.security.policy import STAFF, rule


@rule(User, "view")
def _view_user(user, other: User) -> bool:
    return user.id == other.id or user.role in STAFF


@rule(User, "change")
def _change_user(user, other: User) -> bool:
    return user.id == other.id or user.role == Role.ADMIN.value


@rule(Membership, "view")
def _view_membership(user, membership: Membership) -> bool:
    return user.id == membership.user_id or user.role in STAFF


@rule(Organisation, "view")
def _view_organisation(user, org: Organisation) -> bool:
    return user.organisation_id == org.id or user.role in STAFF


@rule(Organisation, "change")
def _change_organisation(user, org: Organisation) -> bool:
    return user.role in STAFF
