"""Registration, sign-in and password changes: the rules, apart from the views."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from portal.accounts.models import AuthToken, Membership, MemberStatus, Role, User
from portal.accounts.passwords import hash_password, needs_rehash, verify_password
from portal.audit.services import record as audit
from portal.database import utcnow
from portal.extensions import db
from portal.notify.services import queue_email
from portal.urls import external_url


class AuthError(Exception):
    """A refusal whose message can be shown to the person as it is."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _issue_token(user: User, purpose: str, lifetime: timedelta) -> tuple[str, AuthToken]:
    token = secrets.token_urlsafe(32)
    record = AuthToken(
        user=user,
        purpose=purpose,
        token_hash=_hash_token(token),
        expires_at=utcnow() + lifetime,
    )
    db.session.add(record)
    db.session.flush()
    return token, record


def register_member(full_name: str, email: str, password: str) -> User:
    """Create an applicant's account and email an address check (CHARTER.md §4 applicants).

    When the email is already registered nothing is created and no error is raised to the
    caller's page beyond a generic outcome; the owner of the address is emailed instead,
    so the form never reveals who has an account.
    """
    email = normalise_email(email)
    existing = find_user_by_email(email)
    if existing is not None:
        queue_email(
            f"already-registered:{existing.id}:{secrets.token_hex(8)}",
            existing.email,
            "You already have an account",
            "already_registered",
            user=existing,
            reset_url=external_url("auth.forgot_password"),
            sign_in_url=external_url("auth.login"),
        )
        return existing
    grade = current_app.config["MEMBER_GRADES"][0][0]
    user = User(
        full_name=full_name.strip(),
        email=email,
        password_hash=hash_password(password),
        role=Role.MEMBER.value,
    )
    user.membership = Membership(
        grade=grade,
        status=MemberStatus.APPLICANT.value,
    )
    db.session.add(user)
    db.session.flush()
    audit("auth.registered", user, subject=user, actor=user)
    send_verification(user)
    return user


def send_verification(user: User) -> None:
    hours = current_app.config["EMAIL_VERIFY_HOURS"]
    token, record = _issue_token(user, "verify", timedelta(hours=hours))
    queue_email(
        f"verify:{record.id}",
        user.email,
        "Confirm your email address",
        "verify_email",
        user=user,
        link=external_url("auth.verify_email", token=token),
        hours=hours,
    )


def _take_token(token: str, purpose: str) -> AuthToken:
    """Find a live token; say plainly why one cannot be used."""
    record = db.session.scalar(
        select(AuthToken).where(
            AuthToken.token_hash == _hash_token(token), AuthToken.purpose == purpose
        )
    )
    if record is None:
        raise AuthError("This link is not valid. Check you used the whole link from the email.")
    if record.used_at is not None:
        raise AuthError("This link has already been used. Each link works once.")
    if record.expires_at <= utcnow():
        raise AuthError("This link has expired. Ask for a new one below.")
    return record


def verify_email(token: str) -> User:
    record = _take_token(token, "verify")
    record.used_at = utcnow()
    if record.user.email_verified_at is None:
        record.user.email_verified_at = utcnow()
        audit("auth.email_verified", record.user, subject=record.user, actor=record.user)
    return record.user


def authenticate(email: str, password: str) -> User | None:
    """Return the user for a correct email and password, else None.

    An unknown email costs the same hashing work as a wrong password, and both give
    the caller the same None, so sign-in reveals nothing about who is registered.
    """
    user = find_user_by_email(email)
    if user is None:
        verify_password(None, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    if not user.is_enabled:
        return None
    user.last_sign_in_at = utcnow()
    return user


def request_password_reset(email: str) -> None:
    """Email a reset link if the address is registered; do nothing visible otherwise."""
    user = find_user_by_email(email)
    if user is None or not user.is_enabled:
        return
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    token, record = _issue_token(user, "reset", timedelta(minutes=minutes))
    audit("auth.password_reset_requested", user, subject=user)
    queue_email(
        f"reset:{record.id}",
        user.email,
        "Reset your password",
        "reset_password",
        user=user,
        link=external_url("auth.reset_password", token=token),
        minutes=minutes,
    )


def check_reset_token(token: str) -> AuthToken:
    return _take_token(token, "reset")


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from an emailed link; the link and every other session end."""
    record = _take_token(token, "reset")
    record.used_at = utcnow()
    user = record.user
    _set_password(user, new_password)
    # Whoever had the account cannot carry on in any other browser (V7.4.3), and the
    # owner, who has just proved they read the inbox, is not kept waiting by throttling.
    from portal.accounts import sessions
    from portal.security import throttle

    sessions.end_all(user, "password reset")
    throttle.clear("account", user.email)
    audit("auth.password_reset", user, subject=user, actor=user)
    # A reset proves the person reads this inbox.
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    # Any other outstanding reset links die with this one.
    for other in db.session.scalars(
        select(AuthToken).where(
            AuthToken.user_id == user.id,
            AuthToken.purpose == "reset",
            AuthToken.used_at.is_(None),
        )
    ):
        other.used_at = utcnow()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change a signed-in user's password; every other session of theirs ends (V7.4.3)."""
    from portal.accounts import sessions

    if not verify_password(user.password_hash, current_password):
        raise AuthError("Your current password is not right.")
    _set_password(user, new_password)
    sessions.end_all(user, "password changed", keep_current=True)
    audit("auth.password_changed", user, subject=user, actor=user)


def _set_password(user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    user.rotate_session_token()  # every session and remember-me cookie under the old one ends
    queue_email(
        f"password-changed:{user.id}:{user.session_token}",
        user.email,
        "Your password was changed",
        "password_changed",
        user=user,
        reset_url=external_url("auth.forgot_password"),
    )


def set_enabled(user: User, enabled: bool, reason: str = "") -> None:
    """Disable or re-enable an account. Disabling ends every session at once (V7.4.2)."""
    from portal.accounts import sessions

    if user.is_enabled == enabled:
        return
    user.is_enabled = enabled
    if not enabled:
        sessions.end_all(user, "account disabled")
    audit(
        "account.enabled" if enabled else "account.disabled",
        user,
        subject=user,
        details={"reason": reason},
    )


def end_sessions_for(user: User) -> int:
    """An administrator ends every session of ``user`` (V7.4.5)."""
    from portal.accounts import sessions

    count = sessions.end_all(user, "ended by administrator")
    audit("auth.sessions_ended", user, subject=user, details={"count": count, "by_admin": True})
    return count
