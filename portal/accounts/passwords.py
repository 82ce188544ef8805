"""Password hashing with argon2id; cost comes from the app config."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

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


@lru_cache(maxsize=8)
def _dummy_hash(time_cost: int, memory_cost: int) -> str:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost).hash(_DUMMY_PASSWORD)


def prepare_dummy_hash(app) -> None:
    """Make the decoy hash once, at start-up (issue #14): made on demand, an unknown address
    paid for a hash *and* a verification, twice a known address's work, and the difference
    told which addresses have accounts."""
    _dummy_hash(app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_COST"])


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash, spend the same effort (one verification against a
    decoy hash of the same cost) and return False."""
    hasher = _hasher()
    if password_hash is None:
        decoy = _dummy_hash(hasher.time_cost, hasher.memory_cost)
        try:
            hasher.verify(decoy, password)
        except (VerificationError, InvalidHashError):
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


# -- the password policy (docs/SECURITY.md, ASVS V6.2) ---------------------------------------

PASSWORD_MIN = 12
PASSWORD_MAX = 128  # ASVS asks that at least 64 be allowed; argon2 has no length limit

# Words that make a password easy to guess for this portal in particular (ASVS V6.1.2,
# V6.2.11): the organisation's and the product's names and the roles people hold here.
CONTEXT_WORDS = (
    "member services",
    "member portal",
    "services portal",
    "portal",
    "membership",
    "member",
    "applicant",
    "employer",
    "centre",
    "staff",
    "admin",
    "administrator",
)

_COMMON_FILE = Path(__file__).with_name("common-passwords.txt")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (see common-passwords.NOTICE for provenance)."""
    with _COMMON_FILE.open(encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


def _squash(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _mostly(password: str, word: str) -> bool:
    """True when ``word`` is in the password and what is left has fewer than four letters,
    as in "Portal2026!" or "membership1234": a known word padded with digits or symbols."""
    core = _squash(word)
    squashed = _squash(password)
    if not core or core not in squashed:
        return False
    rest = squashed.replace(core, "", 1)
    return sum(ch.isalpha() for ch in rest) < 4


def password_problem(
    password: str, email: str | None = None, name: str | None = None
) -> str | None:
    """Why ``password`` may not be used as a new password, or None when it may.

    No composition rules (ASVS V6.2.5): length, the common list, words about this portal and
    the person's own email name or full name. The password is checked exactly as typed,
    never trimmed or case-folded when stored (V6.2.8); only the comparisons fold case.
    """
    if len(password) < PASSWORD_MIN or len(password) > PASSWORD_MAX:
        return f"Your password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters long."
    folded = password.casefold()
    if folded in common_passwords() or folded.strip() in common_passwords():
        return (
            "That password is one of the most common passwords. "
            "Choose one that is harder to guess."
        )
    for word in CONTEXT_WORDS:
        if _mostly(password, word):
            return (
                "Your password must not be mostly the name of this portal or a role. "
                "Add some unrelated words."
            )
    if email:
        email_name = email.split("@", 1)[0].strip().casefold()
        if len(email_name) >= 4 and email_name in folded:
            return "Your password must not contain your email address."
    if name:
        for part in name.split():
            if len(part) >= 4 and _mostly(password, part):
                return "Your password must not be mostly your name. Add some unrelated words."
    return None
