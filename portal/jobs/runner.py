"""The one wrapper every job runs through: app context, one commit or a rollback, a log line."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from flask import Flask

from portal.database import utcnow
from portal.extensions import db

log = logging.getLogger("portal.jobs")


def run_job(
    app: Flask, name: str, func: Callable[[datetime], object], now: datetime | None = None
) -> object:
    """Run ``func(now)`` in an app context and commit what it did, or roll it all back.

    ``now`` is the instant the job runs as of (``flask jobs run NAME --now``); by default the
    moment it starts. Jobs take it as a parameter instead of reading the clock, so an operator
    or a test can run one as of any instant.
    """
    with app.app_context():
        started = time.monotonic()
        try:
            result = func(now or utcnow())
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("job %s failed", name)
            raise
        finally:
            db.session.remove()
        log.info("job %s done in %.2fs: %s", name, time.monotonic() - started, result)
        return result
