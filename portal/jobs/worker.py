"""The worker process: APScheduler in a process of its own, never inside web workers."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from portal.jobs.mail import send_outbox
from portal.jobs.runner import run_job

log = logging.getLogger("portal.worker")

JOBS = {
    "send-outbox": (send_outbox, {"trigger": "interval", "seconds": 30}),
}


def run_worker(app: Flask, once: bool = False) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if once:
        for name, (func, _trigger) in JOBS.items():
            run_job(app, name, func)
        return
    scheduler = BlockingScheduler(timezone="Europe/London")
    for name, (func, trigger) in JOBS.items():
        scheduler.add_job(
            run_job,
            args=(app, name, func),
            id=name,
            name=name,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),  # run once at start-up, then on the trigger
            **trigger,
        )
    log.info("worker started with jobs: %s", ", ".join(JOBS))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("worker stopped")
