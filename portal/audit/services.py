"""Recording audit entries. Call :func:`record` from any service; it flushes, the request
or job commits, so an entry exists exactly when the change it describes does."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import func, or_, select

from portal.audit.models import AuditEntry
from portal.charter import LONDON
from portal.extensions import db

# Keys that must never reach the log, whatever a caller passes (V16.2.5). Matching is on the
# key name: values are never inspected, so a caller cannot "hide" a secret under another key
# without it being visible in review; tests check every action we record.
_FORBIDDEN_KEY = re.compile(r"pass(word)?|secret|token|code|otp|key|hash|cookie", re.IGNORECASE)

ACTIONS = {
    "auth.sign_in": "Signed in",
    "auth.sign_in_failed": "Sign-in failed",
    "auth.sign_in_throttled": "Sign-in refused: too many attempts",
    "auth.second_factor_failed": "Two-factor code not accepted",
    "auth.sign_out": "Signed out",
    "auth.sessions_ended": "Sessions ended",
    "auth.password_changed": "Password changed",
    "auth.password_reset": "Password reset by emailed link",
    "auth.password_reset_requested": "Password reset link requested",
    "auth.email_verified": "Email address confirmed",
    "auth.registered": "Account registered",
    "auth.two_factor_enabled": "Two-factor turned on",
    "auth.two_factor_disabled": "Two-factor turned off",
    "auth.recovery_codes_renewed": "Recovery codes replaced",
    "auth.recovery_code_used": "Recovery code used to sign in",
    "account.changed": "Account changed",
    "account.role_changed": "Role changed",
    "account.disabled": "Account disabled",
    "account.enabled": "Account enabled",
    "organisation.contact_invited": "Colleague invited by their organisation",
    "organisation.contact_role_changed": "Colleague's role changed by their organisation",
    "organisation.contact_removed": "Colleague removed by their organisation",
    "centre.sign_off_route_changed": "Centre's sign-off route changed",
    "certificate.code_superseded": "E-certificate replaced by a new one",
    "quality.visit_recorded": "Quality visit recorded",
    "quality.action_done": "Quality action marked done by the centre",
    "quality.action_accepted": "Quality action accepted",
    "quality.action_returned": "Quality action returned to the centre",
    "record.viewed": "Customer record viewed by staff",
    "request.changed": "Request changed",
    "privacy.export": "Personal data downloaded",
    "privacy.erasure_requested": "Erasure requested",
    "privacy.erasure_carried_out": "Personal data erased",
    "settings.office_hours": "Office hours changed",
    "settings.contact_details": "Contact details changed",
    "settings.calendar_day_added": "Calendar day added",
    "settings.calendar_day_removed": "Calendar day removed",
    "settings.targets_changed": "Promise targets changed",
    "access.denied": "Access refused",
}


def _target(target) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, tuple):
        kind, ident = target
        return str(kind)[:40], str(ident)[:40]
    return getattr(target, "__tablename__", type(target).__name__)[:40], str(target.id)[:40]


def _clean(details: dict[str, Any] | None) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key, value in (details or {}).items():
        if _FORBIDDEN_KEY.search(key):
            raise ValueError(f"audit details must not carry secrets (key {key!r})")
        if isinstance(value, (str, int, float, bool)) or value is None:
            cleaned[key] = value[:500] if isinstance(value, str) else value
        else:
            cleaned[key] = str(value)[:500]
    return cleaned


def record(
    action: str,
    target=None,
    *,
    subject=None,
    actor=None,
    summary: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit entry.

    ``action`` is one of :data:`ACTIONS` (areas may add their own, e.g. ``request.changed``:
    register them in ACTIONS so the admin page can name them); ``target`` a model object or
    a ``(type, id)`` pair; ``subject`` the customer (a User) whose data it concerns;
    ``actor`` defaults to the signed-in user; the address is the request's. ``details`` is a
    small dict of plain values: never a password, token or code (refused by key name).
    """
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    target_type, target_id = _target(target)
    entry = AuditEntry(
        action=action[:60],
        actor_id=getattr(actor, "id", None),
        actor_role=(getattr(actor, "role", "") or "")[:20],
        subject_user_id=getattr(subject, "id", subject if isinstance(subject, int) else None),
        target_type=target_type,
        target_id=target_id,
        ip_address=((request.remote_addr or "") if has_request_context() else "")[:45],
        summary=summary[:300],
        details=_clean(details),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def record_view(customer, what, summary: str = "") -> AuditEntry | None:
    """Record that a staff member or administrator looked at a customer's record.

    Call from any staff page that shows one customer's data (a request, an attachment, a
    member's profile): ``customer`` is the User concerned, ``what`` the object or
    ``(type, id)``. Views by the customer themselves are not recorded.
    """
    from portal.accounts.sessions import STAFF_ROLES

    if not (has_request_context() and current_user.is_authenticated):
        return None
    if current_user.role not in STAFF_ROLES:
        return None
    return record("record.viewed", what, subject=customer, summary=summary)


def record_request_change(request, event) -> AuditEntry:
    """Record one change to a customer's request: every event on its timeline (submitted,
    replies, status changes, assignment, dates, resolved, closed...) is written by one
    function in ``portal.requests.services``, which calls this (issue #8).

    Who: the event's actor (or the signed-in user); what: the event's kind and the request's
    status after it; when and where: the entry's own time and address. Neither the message
    text nor anything secret (the private link, its hash) is copied here: the request holds
    the text, and the link is a password.
    """
    actor = getattr(event, "actor", None)
    return record(
        "request.changed",
        ("service_request", request.id),
        subject=request.requester_id,
        actor=actor,
        summary=f"{request.reference or ''}: {event.kind}".strip(": "),
        details={
            "reference": request.reference,
            "event": event.kind,
            "status": request.status,
            "internal": bool(event.is_internal),
            "version": request.version,
        },
    )


def label(action: str) -> str:
    return ACTIONS.get(action, action)


@dataclass
class EntriesPage:
    """One page of the audit log, and the ids of the people (actors, customers) it names."""

    entries: list[AuditEntry]
    total: int
    has_next: bool

    @property
    def people_ids(self) -> set[int]:
        named = {e.actor_id for e in self.entries} | {e.subject_user_id for e in self.entries}
        return named - {None}


def search(
    *,
    action: str = "",
    person_ids: Collection[int] | None = None,
    address: str = "",
    day_from: date | None = None,
    day_to: date | None = None,
    page: int = 1,
    page_size: int = 50,
) -> EntriesPage:
    """A page of audit entries, newest first, for administrators checking who did what
    (docs/SECURITY.md, V16). ``person_ids``, when given, keeps the entries whose actor or
    customer is one of them; the days are London days, both included."""
    query = select(AuditEntry)
    if action:
        query = query.where(AuditEntry.action == action)
    if person_ids is not None:
        query = query.where(
            or_(AuditEntry.actor_id.in_(person_ids), AuditEntry.subject_user_id.in_(person_ids))
        )
    if address:
        query = query.where(AuditEntry.ip_address == address)
    if day_from:
        query = query.where(AuditEntry.at >= datetime.combine(day_from, time(0), LONDON))
    if day_to:
        end = datetime.combine(day_to + timedelta(days=1), time(0), LONDON)
        query = query.where(AuditEntry.at < end)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    entries = list(
        db.session.scalars(
            query.order_by(AuditEntry.id.desc()).limit(page_size).offset((page - 1) * page_size)
        )
    )
    return EntriesPage(entries, total, page * page_size < total)
