"""The worker process: APScheduler in a process of its own, never inside web workers.

APScheduler 3 cannot share a job store between processes, so exactly one worker may run
the scheduler. Any number of ``flask worker`` processes can be started (one per server, say);
each waits as a standby until it wins leadership, then schedules every job in
``portal.jobs.registry.JOBS``:

* on PostgreSQL, leadership is ``pg_try_advisory_lock`` taken on a connection of its own and
  held while active; the server releases it the moment that connection ends (process stopped,
  killed or cut off), so a standby polling every ``WORKER_POLL_SECONDS`` takes over within
  that time;
* on SQLite (development), it is a lease row in ``worker_lease`` that the leader renews every
  ``WORKER_POLL_SECONDS`` and that lapses ``WORKER_LEASE_SECONDS`` after the leader stops
  renewing it; a clean stop gives it up at once.

An active worker that finds it has lost leadership (database gone, lease taken) stops its
scheduler and goes back to standby.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
import uuid
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from flask.logging import default_handler
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from portal.charter import LONDON
from portal.extensions import db
from portal.jobs.models import WorkerLease
from portal.jobs.registry import JOBS
from portal.jobs.runner import run_job

log = logging.getLogger("portal.worker")

LEASE_NAME = "scheduler"
# A fixed key for pg_try_advisory_lock; advisory locks are per database.
ADVISORY_LOCK_KEY = 0x706F7274616C  # "portal"


class AdvisoryLockLeadership:
    """Leadership held as a PostgreSQL session advisory lock on a dedicated connection."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.connection = None

    def acquire(self) -> bool:
        try:
            if self.connection is None:
                with self.app.app_context():
                    self.connection = db.engine.connect().execution_options(
                        isolation_level="AUTOCOMMIT"
                    )
            got = self.connection.scalar(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
            )
        except SQLAlchemyError:
            log.exception("could not ask the database for leadership")
            self._drop()
            return False
        return bool(got)

    def still_held(self) -> bool:
        if self.connection is None:
            return False
        try:
            held = self.connection.scalar(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND pid = pg_backend_pid() AND granted "
                    "AND ((classid::bigint << 32) | objid::bigint) = :key"
                ),
                {"key": ADVISORY_LOCK_KEY},
            )
        except SQLAlchemyError:
            log.exception("lost the leadership connection")
            self._drop()
            return False
        return bool(held)

    def release(self) -> None:
        if self.connection is None:
            return
        try:
            self.connection.execute(
                text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY}
            )
        except SQLAlchemyError:
            pass
        self._drop()

    def _drop(self) -> None:
        if self.connection is not None:
            try:
                self.connection.invalidate()
                self.connection.close()
            except SQLAlchemyError:
                pass
        self.connection = None


class LeaseRowLeadership:
    """Leadership held as a row in ``worker_lease`` renewed before it lapses."""

    def __init__(self, app: Flask, lease_seconds: int) -> None:
        self.app = app
        self.lease = timedelta(seconds=lease_seconds)
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def acquire(self) -> bool:
        """Take the lease if free or lapsed, or renew it if ours; one statement either way."""
        now = datetime.now(UTC)
        table = WorkerLease.__table__
        try:
            with self.app.app_context(), db.engine.begin() as conn:
                renewed = conn.execute(
                    update(table)
                    .where(
                        table.c.name == LEASE_NAME,
                        (table.c.holder == self.holder) | (table.c.expires_at < now),
                    )
                    .values(holder=self.holder, expires_at=now + self.lease)
                ).rowcount
                if renewed:
                    return True
                try:
                    with conn.begin_nested():
                        conn.execute(
                            table.insert().values(
                                name=LEASE_NAME,
                                holder=self.holder,
                                acquired_at=now,
                                expires_at=now + self.lease,
                            )
                        )
                except IntegrityError:
                    return False  # someone else holds a live lease
                return True
        except SQLAlchemyError:
            log.exception("could not reach the database for the worker lease")
            return False

    still_held = acquire

    def release(self) -> None:
        table = WorkerLease.__table__
        try:
            with self.app.app_context(), db.engine.begin() as conn:
                conn.execute(
                    table.delete().where(table.c.name == LEASE_NAME, table.c.holder == self.holder)
                )
        except SQLAlchemyError:
            pass


def leadership_for(app: Flask):
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect == "postgresql":
        return AdvisoryLockLeadership(app)
    return LeaseRowLeadership(app, app.config["WORKER_LEASE_SECONDS"])


def build_scheduler(app: Flask, leadership=None) -> BlockingScheduler:
    """A scheduler with every registered job, in London time."""
    scheduler = BlockingScheduler(timezone=LONDON)
    started = datetime.now(UTC)
    for job in JOBS.values():
        options = {}
        if job.run_at_startup:
            options["next_run_time"] = started
        scheduler.add_job(
            run_job,
            trigger=job.trigger(app.config),
            args=(app, job.name, job.func),
            id=job.name,
            name=job.name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            **options,
        )
    if leadership is not None:

        def keep_leadership() -> None:
            if not leadership.still_held():
                log.warning("leadership lost; stopping the scheduler and going back to standby")
                scheduler.shutdown(wait=False)

        scheduler.add_job(
            keep_leadership,
            "interval",
            seconds=app.config["WORKER_POLL_SECONDS"],
            id="keep-leadership",
            max_instances=1,
            coalesce=True,
        )
    return scheduler


def _stop_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so ``finally`` gives leadership up at once."""

    def handler(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, handler)


def run_worker(app: Flask, once: bool = False) -> None:
    """Run the worker until stopped: standby until leader, then the scheduler."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # The root handler above prints the app's records too; Flask's own handler would print
    # each of them a second time.
    app.logger.removeHandler(default_handler)
    if once:
        for job in JOBS.values():
            run_job(app, job.name, job.func)
        return
    _stop_on_sigterm()
    leadership = leadership_for(app)
    poll = app.config["WORKER_POLL_SECONDS"]
    scheduler = None
    try:
        while True:
            announced = False
            while not leadership.acquire():
                if not announced:
                    log.info("worker %s on standby: another worker is active", os.getpid())
                    announced = True
                time.sleep(poll)
            log.info("worker %s active with jobs: %s", os.getpid(), ", ".join(JOBS))
            scheduler = build_scheduler(app, leadership)
            scheduler.start()
            time.sleep(poll)
    except (KeyboardInterrupt, SystemExit):
        log.info("worker %s stopped", os.getpid())
    finally:
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=False)
        leadership.release()
