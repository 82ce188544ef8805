"""Factories for the objects tests need; each test builds its own."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from portal.accounts.models import Membership, Organisation, Role, User
from portal.accounts.passwords import hash_password
from portal.database import utcnow
from portal.extensions import db

PASSWORD = "correct-horse-battery"
# The authenticator secret every test staff member and administrator is enrolled with.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_seq = itertools.count(1)
_hash_cache: dict[str, str] = {}


def _hash(password: str) -> str:
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def make_organisation(kind: str = "employer", **fields) -> Organisation:
    n = next(_seq)
    org = Organisation(
        kind=kind,
        name=fields.pop("name", f"Organisation {n}"),
        reference=fields.pop("reference", f"{kind[:3].upper()}-{n:05d}"),
        is_approved=fields.pop("is_approved", True),
        **fields,
    )
    db.session.add(org)
    db.session.flush()
    return org


def make_user(
    role: str = "member",
    password: str = PASSWORD,
    verified: bool = True,
    two_factor: bool | None = None,
    **fields,
):
    """A user of ``role``. Staff and administrators come enrolled in two-step sign-in with
    :data:`TOTP_SECRET` (as they must be to use the portal) unless ``two_factor=False``."""
    n = next(_seq)
    user = User(
        email=fields.pop("email", f"user{n}@example.test"),
        full_name=fields.pop("full_name", f"Test Person{n}"),
        role=Role(role).value,
        password_hash=_hash(password),
        email_verified_at=utcnow() if verified else None,
        **fields,
    )
    if role in ("employer", "centre") and user.organisation is None:
        user.organisation = make_organisation(role)
    if role == "member" and "membership" not in fields:
        user.membership = Membership(
            membership_number=f"T{n:07d}",
            grade="member",
            status="active",
            joined_on=date(2020, 1, 1),
            renewal_date=date.today() + timedelta(days=200),
        )
    db.session.add(user)
    db.session.flush()
    if two_factor is None:
        two_factor = role in ("staff", "admin")
    if two_factor:
        from portal.accounts.models import TwoFactor

        db.session.add(TwoFactor(user_id=user.id, secret=TOTP_SECRET, confirmed_at=utcnow()))
        db.session.flush()
    return user


def totp_code(user) -> str:
    """A code that will be accepted for ``user`` now (the used-step record is reset first,
    since tests sign the same person in faster than once per 30 seconds)."""
    import pyotp

    from portal.accounts.models import TwoFactor

    row = db.session.get(TwoFactor, user.id)
    row.last_step = None
    db.session.commit()
    return pyotp.TOTP(row.secret).now()
