"""Factories for the objects tests need; each test builds its own."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from portal.accounts.models import Membership, Organisation, Role, User
from portal.auth.passwords import hash_password
from portal.database import utcnow
from portal.extensions import db

PASSWORD = "correct-horse-battery"
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


def make_user(role: str = "member", password: str = PASSWORD, verified: bool = True, **fields):
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
    return user
