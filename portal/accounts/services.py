"""Administering accounts and organisations: creating staff, roles, disabling, support contacts.

Each function enforces the rule, flushes, and leaves the commit to the caller (one commit per
request). An :class:`AccountError` carries a message fit to show the administrator.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import and_, func, or_, select

from portal.accounts.models import Organisation, OrgKind, Role, User
from portal.accounts.passwords import hash_password
from portal.database import unique_or
from portal.extensions import db
from portal.notify.services import queue_email
from portal.urls import external_url

#: How long the "choose your password" link in a new staff account's email works.
WELCOME_LINK_HOURS = 72
STAFF_ROLES = (Role.STAFF.value, Role.ADMIN.value)


class AccountError(Exception):
    """A change the rules refuse; ``str()`` is the message for the administrator."""


def _email_taken(email: str, except_id: int | None = None) -> bool:
    query = select(User.id).where(User.email == email)
    if except_id is not None:
        query = query.where(User.id != except_id)
    return db.session.scalar(query) is not None


def _contains(column, text: str):
    return func.lower(column).contains(text.lower(), autoescape=True)


# --------------------------------------------------------------------------------- users


def search_users(text: str = "", role: str = "", after: int | None = None, limit: int = 25
                 ) -> list[User]:
    """Users by name, then id; ``text`` matches name or email anywhere, case-insensitively.

    Keyset-paged: ``after`` is the id of the last user on the previous page, so a deep page
    costs the same as the first.
    """
    query = select(User)
    text = text.strip()
    if text:
        query = query.where(or_(_contains(User.full_name, text), _contains(User.email, text)))
    if role:
        query = query.where(User.role == role)
    if after is not None:
        last = db.session.get(User, after)
        if last is not None:
            query = query.where(
                or_(User.full_name > last.full_name,
                    and_(User.full_name == last.full_name, User.id > last.id))
            )
    return list(db.session.scalars(query.order_by(User.full_name, User.id).limit(limit)))


def create_staff_user(full_name: str, email: str, role: str, job_title: str = "",
                      phone: str = "") -> User:
    """A staff or administrator account; they choose their own password from an email.

    Nobody, the administrator included, ever knows the new person's password: the account
    starts with an unusable one and the email carries a one-off link to set it.
    """
    from portal.accounts.sign_in import _issue_token, normalise_email

    email = normalise_email(email)
    if role not in STAFF_ROLES:
        raise AccountError("New accounts made here are for staff or administrators.")
    if _email_taken(email):
        raise AccountError("Someone already has an account with this email address.")
    user = User(
        full_name=full_name.strip(),
        email=email,
        role=role,
        job_title=job_title.strip(),
        phone=phone.strip(),
        password_hash=hash_password(secrets.token_urlsafe(32)),
    )
    taken = AccountError("Someone already has an account with this email address.")
    with unique_or(db.session, taken):
        db.session.add(user)
        db.session.flush()
    token, record = _issue_token(user, "reset", timedelta(hours=WELCOME_LINK_HOURS))
    queue_email(
        f"welcome:{record.id}",
        user.email,
        "Your Member Services staff account",
        "staff_welcome",
        user=user,
        link=external_url("auth.reset_password", token=token),
        hours=WELCOME_LINK_HOURS,
    )
    return user


def _enabled_admins_other_than(user: User) -> int:
    return db.session.scalar(
        select(func.count(User.id)).where(
            User.role == Role.ADMIN.value, User.is_enabled.is_(True), User.id != user.id
        )
    ) or 0


def update_user(user: User, by: User, *, full_name: str, role: str, job_title: str = "",
                phone: str = "", organisation: Organisation | None = None) -> None:
    """Change a person's details and role.

    Employer and centre contacts belong to an organisation of that kind; other roles to
    none. A role change ends the person's sessions, so new rights (or fewer) apply at once.
    Administrators cannot take away their own role, nor the last enabled administrator's.
    """
    role = Role(role).value
    if role in (Role.EMPLOYER.value, Role.CENTRE.value):
        if organisation is None or organisation.kind != role:
            kind = "an employer" if role == Role.EMPLOYER.value else "a learning centre"
            raise AccountError(f"Choose {kind} for this contact.")
    elif organisation is not None:
        raise AccountError("Only employer and centre contacts belong to an organisation.")
    if user.role == Role.ADMIN.value and role != Role.ADMIN.value:
        if user.id == by.id:
            raise AccountError("You cannot take away your own administrator role.")
        if user.is_enabled and not _enabled_admins_other_than(user):
            raise AccountError("This is the only administrator; make someone else one first.")
    user.full_name = full_name.strip()
    user.job_title = job_title.strip()
    user.phone = phone.strip()
    user.organisation = organisation
    if role != user.role:
        user.role = role
        user.rotate_session_token()
    db.session.flush()


def set_enabled(user: User, by: User, enabled: bool) -> None:
    """Disable (or enable again) an account. Disabling ends every session at once."""
    if not enabled:
        if user.id == by.id:
            raise AccountError("You cannot disable your own account.")
        if user.role == Role.ADMIN.value and not _enabled_admins_other_than(user):
            raise AccountError("This is the only administrator; make someone else one first.")
        user.rotate_session_token()
    user.is_enabled = enabled
    db.session.flush()


def users_by_role() -> dict[str, int]:
    """How many accounts there are of each role (the administrator's dashboard)."""
    counts = select(User.role, func.count(User.id)).group_by(User.role)
    return dict(db.session.execute(counts).all())


def user_ids_with_email_like(text: str) -> list[int]:
    """Ids of the accounts whose email contains ``text`` (any case; % and _ are literal)."""
    matching = select(User.id).where(func.lower(User.email).contains(text.lower(), autoescape=True))
    return list(db.session.scalars(matching))


def users_by_id(ids: set[int]) -> dict[int, User]:
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def organisations_by_name() -> list[Organisation]:
    """Every employer and learning centre, by name: the choices for a person's organisation."""
    by_name = select(Organisation).order_by(Organisation.name, Organisation.id)
    return list(db.session.scalars(by_name))


def staff_choices() -> list[User]:
    """Enabled staff and administrators, by name: who may be a support contact."""
    return list(db.session.scalars(
        select(User)
        .where(User.role.in_(STAFF_ROLES), User.is_enabled.is_(True))
        .order_by(User.full_name, User.id)
    ))


def organisations_supported_by(user: User) -> list[Organisation]:
    return list(db.session.scalars(
        select(Organisation)
        .where(or_(Organisation.support_contact_id == user.id,
                   Organisation.deputy_contact_id == user.id))
        .order_by(Organisation.name)
    ))


# ------------------------------------------------------------------------- organisations


def search_organisations(text: str = "", kind: str = "", after: int | None = None,
                         limit: int = 25) -> list[Organisation]:
    """Organisations by name, then id, keyset-paged like :func:`search_users`."""
    query = select(Organisation)
    text = text.strip()
    if text:
        query = query.where(or_(_contains(Organisation.name, text),
                                _contains(func.coalesce(Organisation.reference, ""), text)))
    if kind:
        query = query.where(Organisation.kind == kind)
    if after is not None:
        last = db.session.get(Organisation, after)
        if last is not None:
            query = query.where(
                or_(Organisation.name > last.name,
                    and_(Organisation.name == last.name, Organisation.id > last.id))
            )
    return list(db.session.scalars(
        query.order_by(Organisation.name, Organisation.id).limit(limit)
    ))


def save_organisation(org: Organisation | None, *, kind: str, name: str, reference: str = "",
                      address: str = "", phone: str = "", is_approved: bool = False,
                      support_contact: User | None = None, deputy_contact: User | None = None
                      ) -> Organisation:
    """Create (``org`` None) or update an employer or learning centre.

    An employer's dedicated support contact and deputy are enabled staff, and two different
    people, so one can cover for the other (CHARTER.md §4, employer support). Centres have
    neither. References are unique; an organisation's kind never changes once people
    belong to it.
    """
    kind = OrgKind(kind).value
    reference = reference.strip() or None
    if reference is not None:
        clash = select(Organisation.id).where(Organisation.reference == reference)
        if org is not None:
            clash = clash.where(Organisation.id != org.id)
        if db.session.scalar(clash) is not None:
            raise AccountError("Another organisation already has this reference.")
    if kind == OrgKind.EMPLOYER.value:
        for person in (support_contact, deputy_contact):
            if person is not None and (person.role not in STAFF_ROLES or not person.is_enabled):
                raise AccountError("Support contacts must be staff with an enabled account.")
        if support_contact is not None and deputy_contact is not None and (
            support_contact.id == deputy_contact.id
        ):
            raise AccountError("The deputy must be someone other than the support contact.")
        if deputy_contact is not None and support_contact is None:
            raise AccountError("Choose a support contact before a deputy.")
    else:
        support_contact = deputy_contact = None
    if org is not None and org.kind != kind:
        raise AccountError("An organisation's kind cannot change.")
    with unique_or(db.session, AccountError("Another organisation already has this reference.")):
        if org is None:
            org = Organisation(kind=kind)
            db.session.add(org)
        org.name = name.strip()
        org.reference = reference
        org.address = address.strip()
        org.phone = phone.strip()
        org.is_approved = bool(is_approved)
        org.support_contact = support_contact
        org.deputy_contact = deputy_contact
        db.session.flush()
    return org
