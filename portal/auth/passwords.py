"""Password hashing with argon2id; cost comes from the app config."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

# A hash of a random password, verified against when the email is unknown so that a
# wrong email and a wrong password take the same time.
_DUMMY_PASSWORD = "not-a-real-password-but-long-enough"  # noqa: S105 - a decoy


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(time_cost=cfg["ARGON2_TIME_COST"], memory_cost=cfg["ARGON2_MEMORY_COST"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash, spend the same effort and return False."""
    hasher = _hasher()
    if password_hash is None:
        try:
            hasher.verify(hasher.hash(_DUMMY_PASSWORD), password)
        except VerificationError:
            pass
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return _hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True
