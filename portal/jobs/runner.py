"""The one wrapper every job runs through: app context, one commit or a rollback, a log line."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from flask import Flask

from portal.extensions import db

log = logging.getLogger("portal.jobs")


def run_job(app: Flask, name: str, func: Callable[[], object]) -> object:
    with app.app_context():
        started = time.monotonic()
        try:
            result = func()
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("job %s failed", name)
            raise
        finally:
            db.session.remove()
        log.info("job %s done in %.2fs: %s", name, time.monotonic() - started, result)
        return result
