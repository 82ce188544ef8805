"""Two-factor authentication with an authenticator app (TOTP, RFC 6238) and recovery codes.

Required for staff and administrators, who see every customer's data (ASVS V6.3.3); offered
to everyone else. A code is accepted during its own 30-second step and the one after (for a
code typed as it changes) and only once: the step of the last accepted code is stored and no
code of that step or an earlier one works again (V6.5.1, V6.5.5). Secrets come from the
operating system's CSPRNG (V6.5.3). Recovery codes are single use and stored as argon2id
hashes (V6.5.2).
"""

from __future__ import annotations

import base64
import hmac
import secrets
import time

import pyotp
import segno
from sqlalchemy import delete, or_, select, update

from portal.accounts.models import RecoveryCode, TwoFactor, User
from portal.accounts.passwords import hash_password, verify_password
from portal.database import utcnow
from portal.extensions import db

ISSUER = "Member Services Portal"
STEP_SECONDS = 30
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def is_required(user: User) -> bool:
    from portal.accounts.sessions import STAFF_ROLES

    return user.role in STAFF_ROLES


def settings_for(user: User) -> TwoFactor | None:
    return db.session.get(TwoFactor, user.id)


def is_enabled(user: User) -> bool:
    found = settings_for(user)
    return found is not None and found.confirmed_at is not None


def begin_enrolment(user: User) -> TwoFactor:
    """A fresh, unconfirmed secret for the user to add to their app (replaces any earlier
    unconfirmed one; a confirmed one is left alone until the new one is confirmed)."""
    row = settings_for(user)
    secret = base64.b32encode(secrets.token_bytes(20)).decode()  # 160 bits
    if row is None:
        row = TwoFactor(user_id=user.id, secret=secret)
        db.session.add(row)
    elif row.confirmed_at is None:
        row.secret = secret
        row.created_at = utcnow()
    db.session.flush()
    return row


def pending_secret(user: User) -> str | None:
    row = settings_for(user)
    return row.secret if row is not None and row.confirmed_at is None else None


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The QR code as a PNG data URI, so the page needs no script and no extra request."""
    return segno.make(uri, error="m").png_data_uri(scale=5, border=4)


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "") if not ch.isspace() and ch != "-")


def _matching_step(secret: str, code: str, last_step: int | None, now: float) -> int | None:
    code = _normalise_code(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(now // STEP_SECONDS)
    for step in (current, current - 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Turn two-factor on if ``code`` comes from the pending secret; returns the new recovery
    codes (shown once), or None if the code is not right."""
    row = settings_for(user)
    if row is None or row.confirmed_at is not None:
        return None
    step = _matching_step(row.secret, code, None, time.time())
    if step is None:
        return None
    row.confirmed_at = utcnow()
    row.last_step = step
    return new_recovery_codes(user)


def verify(user: User, code: str) -> str | None:
    """Check a sign-in code: an authenticator code or a recovery code.

    Returns ``"totp"`` or ``"recovery"`` for the kind accepted (each usable once), or None.
    """
    row = settings_for(user)
    if row is None or row.confirmed_at is None:
        return None
    step = _matching_step(row.secret, code, row.last_step, time.time())
    if step is not None:
        return "totp" if _claim_step(user, step) else None
    if use_recovery_code(user, code):
        return "recovery"
    return None


def _claim_step(user: User, step: int) -> bool:
    """Record ``step`` as used, if no code of it (or later) was accepted meanwhile.

    One conditional UPDATE: of several sign-ins sending the same code at the same moment,
    each having read the same ``last_step``, exactly one changes the row; the others wait
    on its lock (row lock on PostgreSQL, write lock on SQLite), then match nothing and are
    refused (ASVS V6.5.1, issue #14)."""
    claimed = db.session.execute(
        update(TwoFactor)
        .where(
            TwoFactor.user_id == user.id,
            or_(TwoFactor.last_step.is_(None), TwoFactor.last_step < step),
        )
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(settings_for(user), ["last_step"])
    return claimed == 1


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones; returns them in the clear."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=hash_password(raw)))
    db.session.flush()
    return codes


def recovery_codes_left(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def use_recovery_code(user: User, code: str) -> bool:
    raw = _normalise_code(code).lower()
    if len(raw) != 10 or any(ch not in _RECOVERY_ALPHABET for ch in raw):
        return False
    unused = db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).all()
    for row in unused:
        if verify_password(row.code_hash, raw):
            # Conditional, like a TOTP step: of two sign-ins sending this code at once, only
            # the one whose UPDATE changes the row is let in (issue #14).
            return (
                db.session.execute(
                    update(RecoveryCode)
                    .where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
                    .values(used_at=utcnow())
                    .execution_options(synchronize_session=False)
                ).rowcount
                == 1
            )
    return False


def disable(user: User) -> None:
    """Turn two-factor off (not allowed for roles that require it: the caller checks)."""
    db.session.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
