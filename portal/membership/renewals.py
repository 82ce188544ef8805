"""Renewal reminders: "we remind you before your renewal date" (CHARTER.md sections 3 and 4).

A member is reminded on or after the day four weeks (the ``renewal-reminder`` target, 28 days
by default) before their renewal date, once per renewal date. The outbox key
``renewal:<membership id>:<renewal date>`` makes the "once": running the job again, or after a
crash, finds the key taken. When a member renews, their renewal date moves on, the key
changes, and the reminder is armed again for the new date. A worker that was down on the
day catches up on its next run, as long as the renewal date has not passed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import String, cast, exists, func, literal, select

from portal.accounts.models import Membership, MemberStatus, User
from portal.charter import LONDON, format_date, reminder_date
from portal.database import utcnow
from portal.extensions import db
from portal.notify.ics import all_day_event
from portal.notify.models import OutboxMessage
from portal.notify.services import attachment, insert_outbox_rows, outbox_row, render_email
from portal.settings.services import current_promises
from portal.urls import external_url, portal_domain

SUBJECT = "Your membership renewal is due on {date}"
BATCH_SIZE = 1000


def renewal_key(membership_id: int, renewal_date: date) -> str:
    return f"renewal:{membership_id}:{renewal_date.isoformat()}"


def _key_sql(dialect: str):
    """The same key as :func:`renewal_key`, computed in SQL for the set-based query."""
    if dialect == "postgresql":
        day = func.to_char(Membership.renewal_date, "YYYY-MM-DD")
    else:  # SQLite stores dates as ISO text already
        day = cast(Membership.renewal_date, String)
    return literal("renewal:") + cast(Membership.id, String) + literal(":") + day


def due_reminders_query(today: date, days_before: int, dialect: str):
    """Active members whose reminder day has come and whose renewal is today or ahead, and who
    have not had the reminder for this renewal date (one indexed query, no loop over members).
    """
    return (
        select(
            Membership.id,
            Membership.renewal_date,
            Membership.membership_number,
            User.email,
            User.full_name,
        )
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.status == MemberStatus.ACTIVE.value,
            User.is_enabled.is_(True),
            Membership.renewal_date >= today,
            Membership.renewal_date <= today + timedelta(days=days_before),
            ~exists().where(OutboxMessage.key == _key_sql(dialect)),
        )
        .order_by(Membership.id)
    )


def renewal_reminders(now: datetime) -> str:
    """Job: queue the renewal reminders due as of ``now``; daily, and at start-up to catch up."""
    return f"queued {queue_renewal_reminders(now)} renewal reminders"


def queue_renewal_reminders(now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Queue every renewal reminder due as of ``now``; returns how many were queued.

    Idempotent: a second run as of the same day queues none. Inserts go in batches, each
    skipping a key another run queued meanwhile (``ON CONFLICT DO NOTHING``).
    """
    now = now or utcnow()
    today = now.astimezone(LONDON).date()
    promise = current_promises()["renewal-reminder"]
    # reminder_date(renewal) <= today  <=>  renewal <= today + target (calendar days).
    days_before = (today - reminder_date(today, promise)).days
    dialect = db.session.get_bind().dialect.name
    rows = db.session.execute(due_reminders_query(today, days_before, dialect)).all()
    renew_url = external_url("member.renew")
    domain = portal_domain()
    queued = 0
    queued_at = utcnow()  # the real time, even when the job runs "as of" another instant
    for start in range(0, len(rows), batch_size):
        values = [
            _reminder_row(row, renew_url, domain, now, queued_at)
            for row in rows[start : start + batch_size]
        ]
        queued += insert_outbox_rows(values)
    return queued


def _reminder_row(
    row, renew_url: str, domain: str, now: datetime, queued_at: datetime
) -> dict:
    membership_id, renewal_on, number, email, full_name = row
    subject = SUBJECT.format(date=format_date(renewal_on))
    text, html = render_email(
        "renewal_reminder",
        subject,
        first_name=full_name.split(" ", 1)[0],
        membership_number=number,
        renewal_date=renewal_on,
        renew_url=renew_url,
    )
    ics = all_day_event(
        uid=f"renewal-{membership_id}-{renewal_on:%Y%m%d}@{domain}",
        day=renewal_on,
        summary="Membership renewal due",
        description=f"Renew your membership by this date: {renew_url}",
        stamp=now,
    )
    return outbox_row(
        key=renewal_key(membership_id, renewal_on),
        to=email,
        subject=subject,
        body_text=text,
        body_html=html,
        attachments=[attachment("renewal.ics", "text/calendar", ics)],
        queued_at=queued_at,
    )
