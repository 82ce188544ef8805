"""An organisation's own contacts, managed by its administrators: learning centres and
employers alike (issue 20). Nobody shares a login: each colleague has their own account,
invited by email (the link proves the address and sets the password), with a role in the
organisation (administrator, or can only view), and leavers are removed by their colleagues.
Every change is audited.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import func, select

from portal.accounts.models import Organisation, OrgRole, User
from portal.accounts.passwords import hash_password
from portal.accounts.services import AccountError
from portal.audit.services import record as audit
from portal.extensions import db
from portal.notify.services import queue_email
from portal.urls import external_url

#: How long the invitation's "choose your password" link works.
INVITE_LINK_HOURS = 7 * 24


def colleagues(organisation: Organisation) -> list[User]:
    """The organisation's contacts with an enabled account, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.organisation_id == organisation.id, User.is_enabled.is_(True))
            .order_by(User.full_name, User.id)
        )
    )


def colleague_of(organisation: Organisation, user_id: int) -> User | None:
    """An enabled contact of this organisation, or None (anyone else looks missing)."""
    other = db.session.get(User, user_id)
    if other is None or other.organisation_id != organisation.id or not other.is_enabled:
        return None
    return other


def _require_admin(by: User, organisation: Organisation) -> None:
    if by.organisation_id != organisation.id or not by.is_organisation_admin:
        raise AccountError("Only your organisation's administrators can manage colleagues.")


def _other_admins(organisation: Organisation, user: User) -> int:
    return db.session.scalar(
        select(func.count(User.id)).where(
            User.organisation_id == organisation.id,
            User.is_enabled.is_(True),
            User.organisation_role == OrgRole.ADMIN.value,
            User.id != user.id,
        )
    ) or 0


def invite_colleague(
    organisation: Organisation, by: User, *, full_name: str, email: str, role: str
) -> User:
    """Give a colleague their own account in ``organisation`` and email them the link to
    confirm their address and choose a password. An address that already has an account
    is refused without saying whose it is."""
    from portal.accounts.sign_in import _issue_token, normalise_email

    _require_admin(by, organisation)
    role = OrgRole(role).value
    email = normalise_email(email)
    name = " ".join(full_name.split())
    if not name:
        raise AccountError("Enter your colleague's full name.")
    existing = db.session.scalar(select(User).where(User.email == email))
    if existing is not None:
        if existing.organisation_id == organisation.id and existing.is_enabled:
            raise AccountError(f"{existing.full_name} already has an account with you.")
        raise AccountError(
            "We cannot invite this address. Ask your colleague for another work address, "
            "or contact us."
        )
    user = User(
        full_name=name,
        email=email,
        role=organisation.kind,
        organisation=organisation,
        organisation_role=role,
        password_hash=hash_password(secrets.token_urlsafe(32)),
    )
    db.session.add(user)
    db.session.flush()
    token, record = _issue_token(user, "reset", timedelta(hours=INVITE_LINK_HOURS))
    queue_email(
        f"colleague-invite:{record.id}",
        user.email,
        f"{by.full_name} has invited you to the Member Services Portal",
        "colleague_invite",
        user=user,
        inviter=by,
        organisation=organisation,
        link=external_url("auth.reset_password", token=token),
        hours=INVITE_LINK_HOURS,
    )
    audit(
        "organisation.contact_invited",
        user,
        subject=user,
        actor=by,
        summary=f"{name} invited to {organisation.name}",
        details={"organisation": organisation.id, "role": role},
    )
    return user


def set_colleague_role(organisation: Organisation, by: User, colleague: User, role: str) -> None:
    """Make a colleague an administrator or view only. The organisation always keeps an
    administrator; a changed role ends the colleague's sessions so it applies at once."""
    _require_admin(by, organisation)
    role = OrgRole(role).value
    if colleague.organisation_role == role:
        return
    if role != OrgRole.ADMIN.value and not _other_admins(organisation, colleague):
        raise AccountError(
            "Your organisation needs at least one administrator: make someone else one first."
        )
    old = colleague.organisation_role
    colleague.organisation_role = role
    colleague.rotate_session_token()
    db.session.flush()
    audit(
        "organisation.contact_role_changed",
        colleague,
        subject=colleague,
        actor=by,
        summary=f"{colleague.full_name}: {old} to {role}",
        details={"organisation": organisation.id, "from": old, "to": role},
    )


def remove_colleague(organisation: Organisation, by: User, colleague: User) -> None:
    """A leaver: their account is closed at once (every session ends). Their records stay
    with the organisation. Nobody removes themselves, nor the last administrator."""
    _require_admin(by, organisation)
    if colleague.id == by.id:
        raise AccountError("You cannot remove yourself. Ask another administrator.")
    if colleague.is_organisation_admin and not _other_admins(organisation, colleague):
        raise AccountError("Your organisation needs at least one administrator.")
    colleague.is_enabled = False
    colleague.rotate_session_token()
    db.session.flush()
    audit(
        "organisation.contact_removed",
        colleague,
        subject=colleague,
        actor=by,
        summary=f"{colleague.full_name} removed from {organisation.name}",
        details={"organisation": organisation.id},
    )
