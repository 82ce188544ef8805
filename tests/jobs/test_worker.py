"""One active scheduler across worker processes; a standby takes over when it stops."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from portal.extensions import db
from portal.jobs.models import WorkerLease
from portal.jobs.registry import JOBS
from portal.jobs.worker import (
    AdvisoryLockLeadership,
    LeaseRowLeadership,
    build_scheduler,
    leadership_for,
)
from portal.notify.services import queue_email
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]


def test_the_scheduler_has_every_job_in_london_time(app):
    scheduler = build_scheduler(app)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == set(JOBS)
    assert str(scheduler.timezone) == "Europe/London"
    for name, job in JOBS.items():
        assert jobs[name].max_instances == 1 and jobs[name].coalesce
        if job.run_at_startup:
            # Pending (not started) jobs keep the start-up run time we gave them.
            assert jobs[name].next_run_time is not None


def test_the_leadership_kind_follows_the_database(app, backend):
    kind = AdvisoryLockLeadership if backend == "postgresql" else LeaseRowLeadership
    assert isinstance(leadership_for(app), kind)


def test_a_lease_row_has_one_holder_until_released_or_lapsed(app):
    first = LeaseRowLeadership(app, lease_seconds=30)
    second = LeaseRowLeadership(app, lease_seconds=30)
    assert first.acquire()
    assert not second.acquire()
    assert first.still_held()  # renews
    first.release()
    assert second.acquire()
    assert not first.still_held()
    # The holder stops renewing (killed): once its lease lapses, another takes over.
    db.session.execute(
        update(WorkerLease).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    )
    db.session.commit()
    assert first.acquire()
    assert not second.still_held()
    db.session.expire_all()
    assert db.session.scalar(select(WorkerLease.holder)) == first.holder


def test_an_advisory_lock_has_one_holder_until_its_connection_ends(app, backend):
    if backend != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    first, second = AdvisoryLockLeadership(app), AdvisoryLockLeadership(app)
    try:
        assert first.acquire()
        assert first.still_held()
        assert not second.acquire()
        first._drop()  # the connection ends, as when the process dies
        assert not first.still_held()
        # The server frees the lock when the dead connection's backend has exited, a moment
        # after the socket closes; a standby polls, so the test does too (up to 5 s).
        deadline = time.monotonic() + 5
        while not second.acquire() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert second.still_held()
        assert not first.acquire()
    finally:
        first.release()
        second.release()


# -- two real worker processes -------------------------------------------------------------


class Worker:
    def __init__(self, name: str, env: dict, log_dir: Path) -> None:
        self.log_path = log_dir / f"{name}.log"
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "worker"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        return self.log_path.read_text()

    def wait_for(self, text: str, timeout: float) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if text in self.output():
                return time.monotonic() - started
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not seen in {timeout}s:\n{self.output()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.log.close()


def _wait_until(predicate, timeout: float, what: str) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_standby_takes_over_when_the_active_worker_is_killed(
    mail_config, app, smtp, database_url, tmp_path, backend
):
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "PORTAL_CONFIG": "development",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "worker-test-secret-key-of-enough-length",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp.port),
        "PORTAL_BASE_URL": "http://localhost",
        "WORKER_POLL_SECONDS": "1",
        "WORKER_LEASE_SECONDS": "3",
        "OUTBOX_SEND_SECONDS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("TEST_DATABASE_URL", None)
    member = make_user("member", email="due@example.test")
    member.membership.renewal_date = date.today() + timedelta(days=10)
    db.session.commit()

    first = Worker("first", env, tmp_path)
    second = None
    try:
        first.wait_for("active with jobs", timeout=20)
        # The start-up run catches up the renewal reminder, and the sender delivers it.
        _wait_until(lambda: smtp.handler.to("due@example.test"), 15, "the renewal reminder")
        second = Worker("second", env, tmp_path)
        second.wait_for("on standby", timeout=20)

        queue_email("before:1", "a@example.test", "Before", "status_update", first_name="A",
                    headline="h", reference="R1", link="http://localhost/")
        db.session.commit()
        _wait_until(lambda: smtp.handler.to("a@example.test"), 10, "mail from the first")
        assert "active with jobs" not in second.output()

        first.process.send_signal(signal.SIGKILL)
        first.process.wait(10)
        queue_email("after:1", "b@example.test", "After", "status_update", first_name="B",
                    headline="h", reference="R2", link="http://localhost/")
        db.session.commit()
        took = second.wait_for("active with jobs", timeout=30)
        assert took < 60
        _wait_until(lambda: smtp.handler.to("b@example.test"), 10, "mail from the standby")

        # The standby that took over also ran the start-up catch-up: it queued no second
        # reminder, and a full sender run after it sent nothing more.
        second.wait_for("job renewal-reminders done", timeout=15)
        assert "queued 0 renewal reminders" in second.output()
        runs = second.output().count("job send-outbox done")
        _wait_until(lambda: second.output().count("job send-outbox done") > runs + 1, 10,
                    "a whole sender run after the catch-up")
        for address in ("due@example.test", "a@example.test", "b@example.test"):
            assert len(smtp.handler.to(address)) == 1, address

        second.process.send_signal(signal.SIGTERM)
        assert second.process.wait(15) == 0
        assert "stopped" in second.output()
    finally:
        first.stop()
        if second is not None:
            second.stop()
