"""One place that decides who may see or change each kind of object (ASVS V8.2).

Each area registers a rule per object type and action:

    from portal.security.policy import rule

    @rule(ServiceRequest, "view")
    def _view_request(user, req) -> bool:
        return user.id == req.member_id or user.role in STAFF_ROLES

and views fetch objects with :func:`get_or_404`, which answers 404 (not 403, so ids cannot
be probed) when the object is missing or the rule says no, and records the refusal in the
audit log (V16.3.2). Anything without a rule is refused: access is never the default.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort
from flask_login import current_user

from portal.accounts.models import Membership, Organisation, Role, User
from portal.extensions import db

STAFF = frozenset({Role.STAFF.value, Role.ADMIN.value})

RULES: dict[tuple[type, str], Callable[[Any, Any], bool]] = {}


def rule(model: type, action: str = "view"):
    def decorate(fn):
        RULES[(model, action)] = fn
        return fn

    return decorate


def can(user, action: str, obj) -> bool:
    """Whether ``user`` may do ``action`` to ``obj``; False when no rule exists."""
    if obj is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    for klass in type(obj).__mro__:
        check = RULES.get((klass, action))
        if check is not None:
            return bool(check(user, obj))
    return False


def can_view(user, obj) -> bool:
    return can(user, "view", obj)


def can_change(user, obj) -> bool:
    return can(user, "change", obj)


def get_or_404(model: type, ident, action: str = "view"):
    """Fetch ``model`` by id for the signed-in user, or answer 404."""
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    if not can(current_user, action, obj):
        from portal.audit.services import record

        record(
            "access.denied",
            obj,
            details={"action": action, "object": model.__name__},
        )
        db.session.commit()
        abort(404)
    return obj


# -- rules for the objects this foundation owns ---------------------------------------------


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
