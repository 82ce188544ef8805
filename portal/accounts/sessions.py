"""Signed-in sessions kept on the server (ASVS V7): created at sign-in, checked on every
request, ended by sign-out, timeouts, "sign out everywhere", password changes, disabling.

The Flask session cookie (signed, HttpOnly, SameSite=Lax, ``__Host-`` in production) carries
a random 256-bit key; the ``user_session`` row holding its hash says whether it still works.
Limits (docs/SECURITY.md, V7.1.1): staff and administrators are signed out after 30 minutes
without a request, everyone else after 2 hours, and every session ends 12 hours after sign-in,
except a member's or organisation contact's "keep me signed in" session, which has no idle
limit and ends 14 days after sign-in. Staff cannot choose "keep me signed in".
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, flash, g, request, session
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import Role, User, UserSession
from portal.database import utcnow
from portal.extensions import db

STAFF_ROLES = frozenset({Role.STAFF.value, Role.ADMIN.value})
TOUCH_EVERY = timedelta(minutes=1)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def may_remember(user: User) -> bool:
    return user.role not in STAFF_ROLES


def start(user: User, remember: bool = False, used_second_factor: bool = False) -> UserSession:
    """Begin a new session for ``user`` in this browser, discarding anything in the old one
    (session fixation, V7.2.4). The caller commits."""
    cfg = current_app.config
    remember = remember and may_remember(user)
    now = utcnow()
    key = secrets.token_urlsafe(32)
    if remember:
        expires, idle = now + timedelta(days=cfg["REMEMBER_DAYS"]), None
    else:
        expires = now + timedelta(hours=cfg["SESSION_ABSOLUTE_HOURS"])
        idle = cfg[
            "SESSION_IDLE_MINUTES_STAFF" if user.role in STAFF_ROLES else "SESSION_IDLE_MINUTES"
        ]
    row = UserSession(
        user=user,
        key_hash=_hash(key),
        created_at=now,
        last_seen_at=now,
        expires_at=expires,
        idle_minutes=idle,
        is_remembered=remember,
        used_second_factor=used_second_factor,
        ip_address=(request.remote_addr or "")[:45],
        user_agent=(request.user_agent.string or "")[:200],
    )
    db.session.add(row)
    db.session.flush()
    session.clear()
    login_user(user, remember=False)
    session["sid"] = key
    session["auth_at"] = now.timestamp()
    # A permanent cookie survives closing the browser; only "keep me signed in" asks for it.
    session.permanent = remember
    g.portal_session = row
    return row


def _end(rows, reason: str) -> int:
    now = utcnow()
    count = 0
    for row in rows:
        if row.ended_at is None:
            row.ended_at, row.end_reason = now, reason
            count += 1
    return count


def current() -> UserSession | None:
    """The row of this browser's session, if it is signed in."""
    if "portal_session" in g:
        return g.portal_session
    key = session.get("sid")
    row = None
    if isinstance(key, str) and key:
        row = db.session.scalar(select(UserSession).where(UserSession.key_hash == _hash(key)))
    g.portal_session = row
    return row


def _expiry_reason(row: UserSession, now: datetime) -> str | None:
    if row.ended_at is not None:
        return row.end_reason or "ended"
    if now >= row.expires_at:
        return "expired"
    if row.idle_minutes is not None and now - row.last_seen_at >= timedelta(
        minutes=row.idle_minutes
    ):
        return "idle"
    return None


def load_user(identity: str) -> User | None:
    """Flask-Login's user loader: the user only while their session row is good.

    One query on every signed-in request: the user, this browser's session row and the
    membership (which the member pages all show) come together. Nothing here commits: the
    request's own commit (portal.transactions) records a session ended for its time or its
    idleness, and the last-seen time, both on a response below 400 (the redirect to sign in
    or any page). Should a 4xx answer roll that back, the row stays as unusable as if it had
    been ended: its time is up whenever it is checked, and this browser has lost its key.
    """
    user_id, _, token = identity.partition(":")
    key = session.get("sid")
    if not user_id.isdigit() or not isinstance(key, str) or not key:
        return None
    found = db.session.execute(
        _user_with_session(), {"user_id": int(user_id), "key_hash": _hash(key)}
    ).first()
    if found is None:
        return None
    user, row = found
    g.portal_session = row
    if user.session_token != token or not user.is_enabled:
        return None
    now = utcnow()
    reason = _expiry_reason(row, now)
    if reason is not None:
        _end([row], reason)
        session.pop("sid", None)
        if reason == "idle":
            flash(
                f"You were signed out because you had not used the portal for "
                f"{_minutes_wording(row.idle_minutes)}. Sign in again to carry on.",
                "info",
            )
        elif reason == "expired":
            flash("Your session had reached its time limit. Sign in again to carry on.", "info")
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return user


@functools.cache
def _user_with_session():
    # Built once per process (it runs on every signed-in request); the values are bound.
    return (
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(User.id == bindparam("user_id"), UserSession.key_hash == bindparam("key_hash"))
        .options(joinedload(User.membership))
    )


def _minutes_wording(minutes: int | None) -> str:
    if minutes and minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minutes"


def end_current(reason: str = "signed out") -> None:
    row = current()
    if row is not None:
        _end([row], reason)
    logout_user()
    session.clear()
    g.pop("portal_session", None)


def active(user: User) -> list[UserSession]:
    """The user's sessions that still work, newest first."""
    now = utcnow()
    rows = db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .order_by(UserSession.created_at.desc())
    ).all()
    return [row for row in rows if _expiry_reason(row, now) is None]


def end_one(user: User, session_id: int) -> bool:
    """End one of the user's own sessions; False if it is not theirs (or already over)."""
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != user.id:
        return False
    return _end([row], "ended by user") == 1


def end_all(user: User, reason: str, keep_current: bool = False) -> int:
    """End every session of ``user`` (optionally all but this browser's).

    When none is kept, the user's session token changes too, so even a session created by
    some other path (and any remember-me cookie) stops working.
    """
    keep = current() if keep_current else None
    rows = db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    ).all()
    count = _end([r for r in rows if keep is None or r.id != keep.id], reason)
    if not keep_current:
        user.rotate_session_token()
    return count


def renew_key() -> None:
    """Give this browser's session a new key after re-authentication (V7.2.4)."""
    row = current()
    if row is None:
        return
    key = secrets.token_urlsafe(32)
    row.key_hash = _hash(key)
    session["sid"] = key


def mark_recent_auth() -> None:
    session["auth_at"] = utcnow().timestamp()


def is_recent_auth() -> bool:
    """Whether this browser proved who it is recently enough for a sensitive change."""
    at = session.get("auth_at")
    if not isinstance(at, (int, float)):
        return False
    limit = timedelta(minutes=current_app.config["RECENT_AUTH_MINUTES"]).total_seconds()
    return 0 <= utcnow().timestamp() - at <= limit

