"""Every scheduled job: a name, a function ``func(now) -> summary``, and when it runs.

Adding a job is one entry in ``JOBS``: write ``func(now: datetime) -> str`` (idempotent:
running it twice, or after a crash, must do nothing extra), then, for example::

    Job("charter-watch", charter_watch, every(minutes=5), "Alert staff to at-risk requests"),
    Job("certificates", certificates, daily(hour=8), "Certificates near dispatch date"),

``flask worker`` schedules every job, ``flask jobs list`` shows them with their next run, and
``flask jobs run NAME --now ISO`` runs one once as of an instant.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from portal.charter import LONDON
from portal.jobs.mail import send_outbox
from portal.jobs.performance import publish_performance
from portal.jobs.watch import certificates, charter_watch, regular_updates
from portal.membership.lapse import grace_and_lapse
from portal.membership.renewals import renewal_reminders
from portal.requests.cover import hand_over_for_absences
from portal.requests.followup import chase_and_close
from portal.staff.escalation import escalate

TriggerFactory = Callable[[dict], BaseTrigger]


def _poll_inbound(now: datetime) -> str:
    from portal.inbound.job import poll_mailboxes

    return poll_mailboxes(now)


def _purge_sent_bodies(now: datetime) -> str:
    from portal.notify.services import purge_sent_bodies

    return purge_sent_bodies(now)


def every(
    *, seconds: int = 0, minutes: int = 0, hours: int = 0, setting: str | None = None
) -> TriggerFactory:
    """An interval trigger; ``setting`` names a config key (in seconds) that overrides it."""

    def build(config: dict) -> BaseTrigger:
        if setting and config.get(setting):
            return IntervalTrigger(seconds=int(config[setting]), timezone=LONDON)
        return IntervalTrigger(seconds=seconds, minutes=minutes, hours=hours, timezone=LONDON)

    return build


def daily(*, hour: int = 0, minute: int = 0, hour_setting: str | None = None) -> TriggerFactory:
    """Once a day at a London wall-clock time (British Summer Time followed)."""

    def build(config: dict) -> BaseTrigger:
        at_hour = int(config[hour_setting]) if hour_setting and hour_setting in config else hour
        return CronTrigger(hour=at_hour, minute=minute, timezone=LONDON)

    return build


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable[[datetime], object]
    trigger: TriggerFactory
    description: str
    # Also run as soon as the worker becomes active: catches up on what fell due while no
    # worker was running.
    run_at_startup: bool = False


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job(
            "send-outbox",
            send_outbox,
            every(seconds=30, setting="OUTBOX_SEND_SECONDS"),
            "Send pending email, retrying temporary failures with backoff",
            run_at_startup=True,
        ),
        Job(
            "renewal-reminders",
            renewal_reminders,
            daily(hour=7, hour_setting="RENEWAL_REMINDER_HOUR"),
            "Queue renewal reminders four weeks before each renewal date",
            run_at_startup=True,
        ),
        Job(
            "grace-and-lapse",
            grace_and_lapse,
            daily(hour=7, minute=15),
            "One more reminder after a missed renewal date; lapse after the grace period",
            run_at_startup=True,
        ),
        Job(
            "charter-watch",
            charter_watch,
            every(minutes=5),
            "Alert the assignee (or the team) once at risk and once overdue",
            run_at_startup=True,
        ),
        Job(
            "regular-updates",
            regular_updates,
            daily(hour=8),
            "Remind staff of customer updates due by the end of the next working day",
            run_at_startup=True,
        ),
        Job(
            "escalations",
            escalate,
            every(minutes=5),
            "Warn the assignee, then the team lead, at the set office hours before due",
            run_at_startup=True,
        ),
        Job(
            "chase-and-close",
            chase_and_close,
            daily(hour=9),
            "Remind customers we are waiting for; close cases never answered",
            run_at_startup=True,
        ),
        Job(
            "absence-cover",
            hand_over_for_absences,
            daily(hour=7),
            "Pass open same-day cases of contacts away today to whoever covers",
            run_at_startup=True,
        ),
        Job(
            "certificates",
            certificates,
            daily(hour=8),
            "Digest of certificates near or past their dispatch date",
            run_at_startup=True,
        ),
        Job(
            "publish-performance",
            publish_performance,
            daily(hour=6),
            "Publish last month's charter figures on the first working day after it",
            run_at_startup=True,
        ),
        Job(
            "purge-sent-mail",
            _purge_sent_bodies,
            daily(hour=3),
            "Remove the text of emails sent longer ago than the retention period",
            run_at_startup=True,
        ),
        Job(
            "inbound-mail",
            _poll_inbound,
            every(minutes=2, setting="INBOUND_POLL_SECONDS"),
            "Turn new email in the configured mailboxes into requests",
        ),
    )
}


def next_run(job: Job, config: dict, now: datetime) -> datetime | None:
    """When the scheduler would next run ``job`` after ``now`` (London time)."""
    trigger = job.trigger(config)
    return trigger.get_next_fire_time(None, now.astimezone(LONDON))
