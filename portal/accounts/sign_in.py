"""Registration, sign-in and password changes: the rules, apart from the views."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, session
from sqlalchemy import select

from portal.accounts import sessions, two_factor
from portal.accounts.models import AuthToken, Membership, MemberStatus, Role, User
from portal.accounts.passwords import hash_password, needs_rehash, verify_password
from portal.audit.services import record as audit
from portal.database import unique_or, utcnow
from portal.extensions import db
from portal.notify.services import queue_email
from portal.security import throttle
from portal.transactions import keep_after_rollback
from portal.urls import external_url

# How long a right password waits for its second factor before the person starts again.
PENDING_MINUTES = 10


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


def tell_already_registered(existing: User) -> None:
    """Someone tried to register an address that has an account: email its owner how to sign
    in or reset their password, and tell the form nothing, so it never reveals who has one."""
    queue_email(
        f"already-registered:{existing.id}:{secrets.token_hex(8)}",
        existing.email,
        "You already have an account",
        "already_registered",
        user=existing,
        reset_url=external_url("auth.forgot_password"),
        sign_in_url=external_url("auth.login"),
    )


def _already_registered(email: str) -> User | None:
    existing = find_user_by_email(email)
    if existing is not None:
        tell_already_registered(existing)
    return existing


def register_member(full_name: str, email: str, password: str) -> User:
    """Create an applicant's account and email an address check (CHARTER.md §4 applicants).

    When the email is already registered nothing is created and no error is raised to the
    caller's page beyond a generic outcome; the owner of the address is emailed instead,
    so the form never reveals who has an account.
    """
    email = normalise_email(email)
    existing = find_user_by_email(email)
    if existing is not None:
        # The same hashing work as a new account, thrown away: without it this branch
        # answered in a tenth of the time and told who has an account (issue #14).
        hash_password(password)
        tell_already_registered(existing)
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
    try:
        with unique_or(db.session, AuthError("registered at the same moment")):
            db.session.add(user)
            db.session.flush()
    except AuthError:
        # The same address registered by another request at this moment: answer as for any
        # address with an account, so nothing is revealed and nothing fails (issue #14).
        return _already_registered(email)
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


@dataclass(frozen=True)
class SignInResult:
    """What became of a sign-in attempt, for the page to tell the person.

    ``user`` is None when the attempt was refused (wrong details or, with ``retry_at``, too
    many attempts); otherwise the person is signed in, or owes a second factor
    (``needs_code``), or must first confirm their address (``needs_verification``).
    """

    user: User | None = None
    retry_at: datetime | None = None
    needs_code: bool = False
    needs_verification: bool = False
    next_url: str = ""
    used_recovery_code: bool = False
    wrong: str = ""  # which of "password" or "code" was not right


def fingerprint(email: str) -> str:
    """A short hash of a typed email, so failures for unknown addresses can be correlated
    in the audit log without keeping the address."""
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()[:16]


def sign_in(
    email: str, password: str, *, address: str, remember: bool, next_url: str
) -> SignInResult:
    """Sign a person in with their email address and password (docs/SECURITY.md, ASVS V6).

    Attempts are throttled per account and per address with growing waits, not a lockout
    (V6.1.1, V6.3.1); a refused attempt is audited by a fingerprint of the typed address, and
    an unknown address is refused exactly like a wrong password. The refusal for too many
    attempts is a 429 page, which rolls the request back, so its audit entry is kept apart.
    An unconfirmed address gets a new confirmation email instead of a session; someone with
    two-step sign-in on (or required, for staff) is held until they give a code.
    """
    email = normalise_email(email)
    wait = throttle.earliest_retry(("account", email), ("address", address))
    if wait is not None:
        keep_after_rollback(
            audit("auth.sign_in_throttled", details={"account": fingerprint(email)})
        )
        return SignInResult(retry_at=wait)
    user = authenticate(email, password)
    if user is None:
        throttle.record_failure("account", email)
        throttle.record_failure("address", address)
        known = find_user_by_email(email)
        audit(
            "auth.sign_in_failed",
            known,
            subject=known,
            details={"account": fingerprint(email), "known_account": known is not None},
        )
        return SignInResult()
    if not user.is_verified:
        send_verification(user)
        return SignInResult(user=user, needs_verification=True)
    throttle.clear("account", email)
    if two_factor.is_required(user) or two_factor.is_enabled(user):
        _hold_for_second_factor(user, remember, next_url)
        return SignInResult(user=user, needs_code=True, next_url=next_url)
    start_session(user, remember=remember, second_factor=False)
    return SignInResult(user=user, next_url=next_url)


def _hold_for_second_factor(user: User, remember: bool, next_url: str) -> None:
    session.clear()
    session["pending_sign_in"] = {
        "uid": user.id,
        "token": user.session_token,
        "remember": remember,
        "next": next_url,
        "at": utcnow().timestamp(),
    }


def pending_user() -> User | None:
    """The user who gave the right password and still owes a second factor."""
    pending = session.get("pending_sign_in")
    if not isinstance(pending, dict):
        return None
    started = pending.get("at")
    if not isinstance(started, (int, float)) or utcnow().timestamp() - started > (
        PENDING_MINUTES * 60
    ):
        session.pop("pending_sign_in", None)
        return None
    user = db.session.get(User, pending.get("uid") or 0)
    if user is None or not user.is_enabled or user.session_token != pending.get("token"):
        return None
    return user


def start_session(user: User, *, remember: bool, second_factor: bool) -> None:
    """Begin the signed-in session and audit it (V7.2.4: a new session key every sign-in)."""
    sessions.start(user, remember=remember, used_second_factor=second_factor)
    audit(
        "auth.sign_in",
        user,
        subject=user,
        actor=user,
        details={"second_factor": second_factor, "remembered": remember},
    )


def give_code(user: User, code: str) -> SignInResult:
    """The second step of signing in: a code from the authenticator app or a recovery code.

    Wrong codes are throttled per account like passwords (V6.6.3 in spirit); the refusal
    for too many is a 429 page and writes nothing. A recovery code is single use and its
    use is audited, so the person can be told how many are left.
    """
    wait = throttle.retry_at("second_factor", str(user.id))
    if wait is not None:
        return SignInResult(retry_at=wait)
    kind = two_factor.verify(user, code)
    if kind is None:
        throttle.record_failure("second_factor", str(user.id))
        audit("auth.second_factor_failed", user, subject=user, actor=user)
        return SignInResult()
    throttle.clear("second_factor", str(user.id))
    pending = session["pending_sign_in"]
    start_session(user, remember=pending.get("remember", False), second_factor=True)
    if kind == "recovery":
        audit("auth.recovery_code_used", user, subject=user, actor=user)
    return SignInResult(
        user=user, next_url=pending.get("next") or "", used_recovery_code=kind == "recovery"
    )


def turn_on_two_factor(user: User, code: str, *, signing_in: bool) -> list[str] | None:
    """Confirm a new authenticator app with its first code; returns the recovery codes, or
    None if the code is wrong. At a first sign-in (staff must have it, V6.3.3) the person is
    signed in with it too."""
    codes = two_factor.confirm_enrolment(user, code)
    if codes is None:
        return None
    audit("auth.two_factor_enabled", user, subject=user, actor=user)
    if signing_in:
        pending = session["pending_sign_in"]
        sessions.start(user, remember=pending.get("remember", False), used_second_factor=True)
        audit("auth.sign_in", user, subject=user, actor=user, details={"second_factor": True})
    return codes


def confirm_identity(user: User, password: str, code: str) -> SignInResult:
    """Re-authentication before a sensitive change (V7.5.1): the password, and a code when
    two-step sign-in is on, throttled like signing in. When both are right this browser's
    session gets a new key and counts as recently authenticated."""
    wait = throttle.earliest_retry(("account", user.email), ("second_factor", str(user.id)))
    if wait is not None:
        return SignInResult(retry_at=wait)
    if not verify_password(user.password_hash, password):
        throttle.record_failure("account", user.email)
        audit("auth.sign_in_failed", user, subject=user, details={"step_up": True})
        return SignInResult(wrong="password")
    if two_factor.is_enabled(user) and two_factor.verify(user, code) is None:
        throttle.record_failure("second_factor", str(user.id))
        audit("auth.second_factor_failed", user, subject=user, details={"step_up": True})
        return SignInResult(wrong="code")
    sessions.renew_key()
    sessions.mark_recent_auth()
    return SignInResult(user=user)


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
    count = sessions.end_all(user, "ended by administrator")
    audit("auth.sessions_ended", user, subject=user, details={"count": count, "by_admin": True})
    return count
