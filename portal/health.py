"""What is running degraded right now, for ``/healthz``, administrators and staff.

Two kinds of trouble are tracked (docs/DEPLOY.md says what each means for people):

- **Redis unreachable.** Sign-in keeps working: the rate limiter counts in memory and the
  sign-in throttle in the database (``fallback_started``). Each process logs the switch once
  when it happens and once when Redis is back. Whether Redis answers is checked directly,
  at most every few seconds per process, so every process reports the same thing.
- **Mail server unreachable.** The sender records it in the database
  (``portal.notify.services.mail_outage``), so every process and the admin pages see it.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from portal.database import utcnow

log = logging.getLogger("portal.health")

REDIS_CHECK_SECONDS = 5.0

_lock = threading.Lock()
_fallbacks: dict[str, datetime] = {}  # what this process has fallen back from, since when
_redis_checked: dict[str, tuple[float, bool]] = {}  # url -> (monotonic time, reachable)


def fallback_started(what: str, error: BaseException | str) -> bool:
    """Note that ``what`` fell back; logs one line the first time. True if it is new."""
    with _lock:
        if what in _fallbacks:
            return False
        _fallbacks[what] = utcnow()
    log.warning("%s: falling back (%s)", what, _one_line(error))
    return True


def fallback_ended(what: str) -> None:
    """Note that ``what`` works again; logs one line if it had fallen back."""
    with _lock:
        since = _fallbacks.pop(what, None)
    if since is not None:
        log.warning("%s: recovered (fallen back since %s)", what, since.isoformat())


def _one_line(error: BaseException | str) -> str:
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    return " ".join(text.split())[:300]


def redis_reachable() -> bool | None:
    """Whether the configured Redis answers a ping; None when none is configured."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    now = time.monotonic()
    with _lock:
        cached = _redis_checked.get(url)
    if cached and now - cached[0] < REDIS_CHECK_SECONDS:
        return cached[1]
    import redis

    timeout = current_app.config.get("REDIS_TIMEOUT_SECONDS", 1)
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        reachable = bool(client.ping())
    except redis.RedisError:
        reachable = False
    finally:
        client.close()
    with _lock:
        _redis_checked[url] = (now, reachable)
    return reachable


@dataclass(frozen=True)
class Problem:
    """One thing running degraded, in words for the people who run the portal."""

    name: str  # "redis" or "mail"
    message: str


def problems() -> list[Problem]:
    """Everything degraded now, most serious first."""
    from portal.notify.services import mail_outage
    from portal.templating import when

    found = []
    outage = mail_outage()
    if outage is not None:
        waiting = f"{outage.waiting} email{'s' if outage.waiting != 1 else ''} waiting"
        found.append(
            Problem(
                "mail",
                f"Cannot reach the mail server since {when(outage.since)}, {waiting}, "
                f"last error: {outage.last_error}. Nothing is lost: they are sent once it "
                "answers again. Until then nobody receives email from the portal.",
            )
        )
    if redis_reachable() is False:
        found.append(
            Problem(
                "redis",
                "The portal cannot reach Redis. Sign-in works; its limits are counted in "
                "each server's memory and in the database until Redis is back.",
            )
        )
    return found


def health_report() -> dict:
    """What ``/healthz`` says once the database has answered."""
    from portal.notify.services import mail_outage

    report = {"status": "ok", "database": "ok"}
    reachable = redis_reachable()
    if reachable is not None:
        report["redis"] = "ok" if reachable else "unreachable"
    outage = mail_outage()
    if outage is not None:
        report["mail"] = "unreachable"
        report["mail_unreachable_since"] = outage.since.isoformat()
        report["mail_waiting"] = outage.waiting
    if reachable is False or outage is not None:
        report["status"] = "degraded"
    return report
