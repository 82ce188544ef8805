"""One place that decides who may see or change each kind of object (ASVS V8.2).

Each area registers a rule per object type and action in its ``rules.py`` (imported once
by ``portal.registry``, so no rule is ever missing):

    from portal.security.policy import rule

    @rule(ServiceRequest, "view")
    def _view_request(user, req) -> bool:
        return user.id == req.member_id or user.role in STAFF_ROLES

and views fetch objects with :func:`get_or_404` (by id) or pass what they found to
:func:`check_or_404` (by reference or private link), which answer 404 (not 403, so ids
cannot be probed) when the object is missing or the rule says no, and record the refusal in
the audit log (V16.3.2). Anything without a rule is refused: access is never the default.

Who the actor is: the signed-in user, or, for a visitor without an account, a
:class:`PrivateLink` holding the token from their emailed link. A link is a capability for
one request only; it is never a user and opens nothing else.

The rules, in words (docs/SECURITY.md V8.1.1):

* **Requests** (``ServiceRequest``): seen and acted on by the person who made it, by every
  contact of the employer or learning centre it was made for, by a visitor holding its
  private link (until 90 days after it closes), and by staff and administrators.
* **Attachments**: as their request, except that a file on an internal staff note is for
  staff only (field-level rule, V8.1.2).
* **Centre applications, their documents, and learners' completions (certificates)**: the
  centre's own contacts; staff and administrators, except that a draft application and its
  documents stay the centre's own until sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort
from flask_login import current_user

from portal.extensions import db
from portal.transactions import keep_after_rollback

# Role values (portal.accounts.models.Role), spelled out so the policy needs no area's models.
STAFF = frozenset({"staff", "admin"})
ORGANISATION_CONTACTS = frozenset({"employer", "centre"})


@dataclass(frozen=True)
class PrivateLink:
    """A visitor holding a request's private link: a capability, not an account.

    ``token`` is the secret from the link; it is compared with the stored hash only and is
    never logged (the audit log records the request, not the link).
    """

    token: str
    is_authenticated = False
    role = "visitor"
    id = None

RULES: dict[tuple[type, str], Callable[[Any, Any], bool]] = {}


def rule(model: type, action: str = "view"):
    def decorate(fn):
        RULES[(model, action)] = fn
        return fn

    return decorate


def can(user, action: str, obj) -> bool:
    """Whether ``user`` may do ``action`` to ``obj``; False when no rule exists."""
    if obj is None or user is None:
        return False
    if not (getattr(user, "is_authenticated", False) or isinstance(user, PrivateLink)):
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


def check_or_404(obj, action: str = "view", actor=None):
    """``obj`` if ``actor`` (the signed-in user by default) may do ``action`` to it, else 404.

    A refusal of an object that exists is recorded as ``access.denied`` (V16.3.2), with the
    object's type and id but never a private link's token.
    """
    if obj is None:
        abort(404)
    actor = current_user if actor is None else actor
    if not can(actor, action, obj):
        from portal.audit.services import record

        entry = record(
            "access.denied",
            obj,
            actor=None if isinstance(actor, PrivateLink) else actor,
            details={"action": action, "object": type(obj).__name__,
                     "via": "private link" if isinstance(actor, PrivateLink) else "account"},
        )
        keep_after_rollback(entry)  # the 404 rolls the request back; its refusal is kept
        abort(404)
    return obj


def get_or_404(model: type, ident, action: str = "view", actor=None):
    """Fetch ``model`` by id for the signed-in user (or ``actor``), or answer 404."""
    return check_or_404(db.session.get(model, ident), action, actor)
