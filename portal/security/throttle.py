"""Sign-in throttling with growing delays, per account and per address (ASVS V6.1.1, V6.3.1).

Not a lockout: after a few free failures each further failure doubles the wait before the
next attempt is even checked, up to a ceiling, and the counter is forgotten a day after the
last failure. Someone trying to lock a member out can only make them wait a few minutes at
a time, and a password reset (which proves the person reads the inbox) clears the account's
counter at once. The address counter allows more failures, because many people may share one
address (an office, a college), and a successful sign-in does not clear it, so an attacker
cannot reset it with an account of their own.

Counters live in Redis when ``REDIS_URL`` is set (several web instances share them) and in
the ``login_attempt`` table otherwise. Both stores keep only a hash of the key. While Redis
cannot be reached the table stands in for it (``FallbackStore``), so sign-in goes on working,
still throttled; failures counted during the outage are not carried back into Redis.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from portal import health
from portal.database import utcnow
from portal.extensions import db
from portal.security.models import LoginAttempt


@dataclass(frozen=True)
class Policy:
    free_failures: int
    first_delay: timedelta
    max_delay: timedelta
    forget_after: timedelta = timedelta(hours=24)

    def delay(self, failures: int) -> timedelta:
        """How long to wait after the latest of ``failures`` failures."""
        if failures < self.free_failures:
            return timedelta(0)
        doubling = min(failures - self.free_failures, 20)
        return min(self.first_delay * (2**doubling), self.max_delay)


POLICIES = {
    # 5 free tries, then 30 s, 1 min, 2 min, 4 min, 8 min, 15 min, 15 min, ...
    "account": Policy(5, timedelta(seconds=30), timedelta(minutes=15)),
    # An address may be shared by a whole office: 20 free tries, then the same growth.
    "address": Policy(20, timedelta(seconds=30), timedelta(minutes=15)),
    # Two-factor codes: 5 free tries per account, then growing waits (V6.6.3 in spirit).
    "second_factor": Policy(5, timedelta(seconds=30), timedelta(minutes=15)),
}


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value.strip().casefold()}".encode()).hexdigest()


class DatabaseStore:
    """Failure counters in the ``login_attempt`` table (flushed with the request's commit)."""

    def get(self, key: str) -> tuple[int, datetime] | None:
        row = db.session.get(LoginAttempt, key)
        return None if row is None else (row.failures, row.last_failed_at)

    def add_failure(self, key: str, forget_after: timedelta) -> None:
        now = utcnow()
        # Forget a stale counter first, so the count restarts a day after the last failure.
        db.session.execute(
            delete(LoginAttempt).where(
                LoginAttempt.key == key, LoginAttempt.last_failed_at < now - forget_after
            )
        )
        bump = (
            update(LoginAttempt)
            .where(LoginAttempt.key == key)
            .values(failures=LoginAttempt.failures + 1, last_failed_at=now)
        )
        if db.session.execute(bump).rowcount:
            db.session.expire_all()
            return
        try:
            with db.session.begin_nested():
                db.session.add(
                    LoginAttempt(key=key, failures=1, first_failed_at=now, last_failed_at=now)
                )
        except IntegrityError:  # a parallel request inserted it first
            db.session.execute(bump)
        db.session.expire_all()

    def clear(self, key: str) -> None:
        db.session.execute(delete(LoginAttempt).where(LoginAttempt.key == key))

    def prune(self, older_than: datetime) -> int:
        result = db.session.execute(
            delete(LoginAttempt).where(LoginAttempt.last_failed_at < older_than)
        )
        return result.rowcount or 0


class RedisStore:
    """Failure counters in Redis: a hash per key, expiring a day after its last failure."""

    def __init__(self, client) -> None:
        self.client = client

    def get(self, key: str) -> tuple[int, datetime] | None:
        data = self.client.hgetall(f"portal:signin:{key}")
        if not data:
            return None
        failures = int(data[b"failures"])
        last = datetime.fromtimestamp(float(data[b"last"]), tz=utcnow().tzinfo)
        return failures, last

    def add_failure(self, key: str, forget_after: timedelta) -> None:
        name = f"portal:signin:{key}"
        pipe = self.client.pipeline()
        pipe.hincrby(name, "failures", 1)
        pipe.hset(name, "last", utcnow().timestamp())
        pipe.expire(name, int(forget_after.total_seconds()))
        pipe.execute()

    def clear(self, key: str) -> None:
        self.client.delete(f"portal:signin:{key}")


class FallbackStore:
    """Redis, and the database while Redis cannot be reached.

    After a failure Redis is left alone for ``retry_seconds`` (each sign-in would otherwise
    wait for it to refuse), then tried again. The switch each way is logged once per process
    and shown to administrators (portal/health.py).
    """

    name = "Sign-in throttle (Redis)"
    retry_seconds = 30.0

    def __init__(self, primary: RedisStore, fallback: DatabaseStore) -> None:
        self.primary = primary
        self.fallback = fallback
        self.retry_after = 0.0  # monotonic; Redis is not tried before this

    def _call(self, method: str, *args):
        import redis

        if time.monotonic() >= self.retry_after:
            try:
                result = getattr(self.primary, method)(*args)
            except redis.RedisError as exc:
                self.retry_after = time.monotonic() + self.retry_seconds
                health.fallback_started(self.name, exc)
            else:
                health.fallback_ended(self.name)
                return result
        return getattr(self.fallback, method)(*args)

    def get(self, key: str) -> tuple[int, datetime] | None:
        return self._call("get", key)

    def add_failure(self, key: str, forget_after: timedelta) -> None:
        self._call("add_failure", key, forget_after)

    def clear(self, key: str) -> None:
        # Both: a counter kept in the table during an outage must not return with the next.
        self._call("clear", key)
        self.fallback.clear(key)


def store():
    """The configured store: Redis (falling back to the database) when ``REDIS_URL`` is set,
    else the database."""
    app = current_app._get_current_object()
    cached = app.extensions.get("portal_throttle_store")
    if cached is None:
        url = app.config.get("REDIS_URL")
        if url:
            import redis

            timeout = app.config.get("REDIS_TIMEOUT_SECONDS", 1)
            client = redis.Redis.from_url(
                url, socket_connect_timeout=timeout, socket_timeout=timeout
            )
            cached = FallbackStore(RedisStore(client), DatabaseStore())
        else:
            cached = DatabaseStore()
        app.extensions["portal_throttle_store"] = cached
    return cached


def retry_at(kind: str, value: str) -> datetime | None:
    """When the next attempt for ``value`` may be made, or None if it may be made now."""
    if not value or not current_app.config.get("SIGN_IN_THROTTLE_ENABLED", True):
        return None
    policy = POLICIES[kind]
    found = store().get(_key(kind, value))
    if found is None:
        return None
    failures, last = found
    if last < utcnow() - policy.forget_after:
        return None
    wait_until = last + policy.delay(failures)
    return wait_until if wait_until > utcnow() else None


def earliest_retry(*checks: tuple[str, str]) -> datetime | None:
    """The latest of the waits for several (kind, value) pairs, or None if none applies."""
    waits = [when for kind, value in checks if (when := retry_at(kind, value))]
    return max(waits) if waits else None


def record_failure(kind: str, value: str) -> None:
    if value and current_app.config.get("SIGN_IN_THROTTLE_ENABLED", True):
        store().add_failure(_key(kind, value), POLICIES[kind].forget_after)


def clear(kind: str, value: str) -> None:
    if value:
        store().clear(_key(kind, value))


def forget_stale() -> int:
    """Delete database counters nobody has touched for a day (for a periodic job)."""
    found = store()
    if isinstance(found, FallbackStore):
        found = found.fallback
    if isinstance(found, DatabaseStore):
        return found.prune(utcnow() - max(p.forget_after for p in POLICIES.values()))
    return 0


def exists(kind: str, value: str) -> bool:
    """Whether any failure is counted for ``value`` (used by tests and the admin view)."""
    return store().get(_key(kind, value)) is not None

