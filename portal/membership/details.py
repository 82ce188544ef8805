"""My details: a member keeps their name, postal address, phone and email current, and finds
every request they have made.

A new email address takes effect only when the link sent to it is opened, so nobody can
point an account at an address that is not theirs; the old address is told when it changes.
Asking to change to an address another account uses sends that address a note instead,
and the page says the same either way, so the form cannot be used to find out who has an
account.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, or_, select

from portal.accounts.models import User
from portal.accounts.passwords import verify_password
from portal.accounts.sign_in import normalise_email, tell_already_registered
from portal.audit.services import ACTIONS
from portal.audit.services import record as audit
from portal.database import utcnow
from portal.extensions import db
from portal.membership.models import EmailChange
from portal.notify.services import queue_email
from portal.phones import normalise_phone
from portal.requests.models import OPEN_STATUSES, ServiceRequest
from portal.urls import external_url

ACTIONS.update(
    {
        "account.details_changed": "Own details changed",
        "account.email_change_requested": "Email change asked for",
        "account.email_changed": "Email address changed (new one confirmed)",
    }
)

EMAIL_CHANGE_HOURS = 48
PAGE_SIZE = 25


class WrongPassword(Exception):
    pass


def update_details(user: User, *, full_name: str, postal_address: str, phone: str) -> list[str]:
    """Change what changes at once; returns the names of what changed (for the audit log)."""
    phone = (normalise_phone(phone) or phone) if phone else ""
    changed = []
    for name, value in (("full_name", full_name), ("postal_address", postal_address),
                        ("phone", phone)):
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed.append(name)
    if changed:
        db.session.flush()
        audit("account.details_changed", user, subject=user, details={"fields": ", ".join(changed)})
    return changed


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_email_change(user: User, new_email: str, password: str) -> None:
    """Send a confirming link to ``new_email``; nothing changes until it is opened."""
    if not verify_password(user.password_hash, password):
        raise WrongPassword
    new_email = normalise_email(new_email)
    for pending in _pending(user):
        pending.cancelled_at = utcnow()
    audit("account.email_change_requested", user, subject=user)
    if new_email == user.email:
        return
    other = db.session.scalar(select(User).where(func.lower(User.email) == new_email))
    if other is not None:
        tell_already_registered(other)
        return
    token = secrets.token_urlsafe(32)
    change = EmailChange(
        user_id=user.id,
        new_email=new_email,
        token_hash=_hash(token),
        expires_at=utcnow() + timedelta(hours=EMAIL_CHANGE_HOURS),
    )
    db.session.add(change)
    db.session.flush()
    queue_email(
        f"email-change:{change.id}", new_email, "Confirm your new email address",
        "email_change_confirm", first_name=user.first_name, hours=EMAIL_CHANGE_HOURS,
        confirm_url=external_url("member.details_email_confirm", token=token),
    )


def _pending(user: User) -> list[EmailChange]:
    return list(
        db.session.scalars(
            select(EmailChange).where(
                EmailChange.user_id == user.id,
                EmailChange.used_at.is_(None),
                EmailChange.cancelled_at.is_(None),
                EmailChange.expires_at > utcnow(),
            )
        )
    )


def pending_email(user: User) -> str | None:
    found = _pending(user)
    return found[-1].new_email if found else None


def confirm_email_change(user: User, token: str) -> str | None:
    """Make the new address the account's, if the link is this user's and still good;
    the old address is told. Returns the new address, or None for a bad or used link."""
    if not 16 <= len(token) <= 128:
        return None
    change = db.session.scalar(select(EmailChange).where(EmailChange.token_hash == _hash(token)))
    if (
        change is None
        or change.user_id != user.id
        or change.used_at is not None
        or change.cancelled_at is not None
        or change.expires_at <= utcnow()
    ):
        return None
    taken = db.session.scalar(
        select(User.id).where(func.lower(User.email) == change.new_email, User.id != user.id)
    )
    if taken:
        return None
    old = user.email
    user.email, user.email_verified_at = change.new_email, utcnow()
    change.used_at = utcnow()
    db.session.flush()
    audit("account.email_changed", user, subject=user)
    queue_email(
        f"email-changed:{change.id}", old, "Your email address has been changed",
        "email_changed_notice", first_name=user.first_name, new_email=change.new_email,
        phone=current_app.config.get("ORGANISATION_PHONE", "020 7946 0000"),
    )
    return change.new_email


def my_requests(user: User, text: str = "", state: str = "", page: int = 1):
    """Every request this member has made, open or closed, newest first; ``text`` matches
    the reference, subject or message, ``state`` is "open", "closed" or "" for all."""
    query = select(ServiceRequest).where(ServiceRequest.requester_id == user.id)
    text = text.strip()[:100]
    if text:
        needle = text.lower()
        query = query.where(
            or_(
                *(
                    func.lower(column).contains(needle, autoescape=True)
                    for column in (
                        ServiceRequest.reference, ServiceRequest.subject, ServiceRequest.body
                    )
                )
            )
        )
    open_values = [s.value for s in OPEN_STATUSES]
    if state == "open":
        query = query.where(ServiceRequest.status.in_(open_values))
    elif state == "closed":
        query = query.where(ServiceRequest.status.not_in(open_values))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.order_by(ServiceRequest.received_at.desc(), ServiceRequest.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return rows, total
