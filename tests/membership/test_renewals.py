"""Renewal reminders (CHARTER.md sections 3 and 4): four weeks ahead, once per renewal date."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from portal.extensions import db
from portal.jobs.runner import run_job
from portal.membership.renewals import queue_renewal_reminders, renewal_key, renewal_reminders
from portal.notify.models import OutboxMessage
from portal.settings.services import change_targets
from tests.factories import make_user

# 9am London on Tuesday 1 December 2026 (GMT, so 09:00 UTC).
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TODAY = date(2026, 12, 1)


def _member(renewal: date | None, status: str = "active", **fields):
    user = make_user("member", **fields)
    user.membership.renewal_date = renewal
    user.membership.status = status
    db.session.commit()
    return user


def _reminders() -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.key.like("renewal:%")).order_by(
            OutboxMessage.id
        )
    ).all()


def test_reminded_from_four_weeks_before_the_renewal_date(app):
    due = _member(TODAY + timedelta(days=28), full_name="Priya Sharma")
    _member(TODAY + timedelta(days=29))  # its reminder day is tomorrow

    assert queue_renewal_reminders(NOW) == 1

    [message] = _reminders()
    assert message.to_address == due.email
    assert message.key == renewal_key(due.membership.id, TODAY + timedelta(days=28))
    assert message.subject == "Your membership renewal is due on Tuesday 29 December 2026"
    assert "Hello Priya," in message.body_text
    assert "due for renewal on Tuesday 29 December 2026" in message.body_text
    assert "http://localhost/member/" in message.body_text
    assert "Tuesday 29 December 2026" in message.body_html


def test_the_reminder_carries_an_all_day_calendar_entry(app):
    member = _member(date(2026, 12, 20))
    queue_renewal_reminders(NOW)
    [message] = _reminders()
    [item] = message.attachments
    assert (item["filename"], item["content_type"]) == ("renewal.ics", "text/calendar")
    ics = base64.b64decode(item["data"]).decode()
    assert ics.endswith("\r\n") and "\n" not in ics.replace("\r\n", "")
    lines = ics.split("\r\n")[:-1]
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert "DTSTART;VALUE=DATE:20261220" in lines
    assert "DTEND;VALUE=DATE:20261221" in lines
    assert f"UID:renewal-{member.membership.id}-20261220@localhost" in lines
    assert "DTSTAMP:20261201T090000Z" in lines
    assert all(len(line.encode()) <= 75 for line in lines)


def test_running_again_queues_nothing_more(app):
    _member(TODAY + timedelta(days=3))
    _member(TODAY + timedelta(days=20))
    assert queue_renewal_reminders(NOW) == 2
    db.session.commit()
    assert queue_renewal_reminders(NOW) == 0
    assert queue_renewal_reminders(NOW + timedelta(days=1)) == 0
    assert len(_reminders()) == 2


@pytest.mark.parametrize(
    ("status", "renewal", "enabled"),
    [
        ("lapsed", TODAY + timedelta(days=10), True),
        ("resigned", TODAY + timedelta(days=10), True),
        ("applicant", TODAY + timedelta(days=10), True),
        ("active", TODAY - timedelta(days=1), True),  # the date has passed
        ("active", None, True),
        ("active", TODAY + timedelta(days=10), False),  # account switched off
    ],
)
def test_nobody_else_is_reminded(app, status, renewal, enabled):
    _member(renewal, status=status, is_enabled=enabled)
    assert queue_renewal_reminders(NOW) == 0


def test_a_reminder_day_lost_in_an_outage_is_caught_up_exactly_once(app):
    """The worker is down for three days around the reminder day; the next run sends one."""
    renewal = date(2027, 1, 4)
    reminder_day = renewal - timedelta(days=28)  # Monday 7 December 2026
    member = _member(renewal)
    early = _member(renewal + timedelta(days=5))  # its day falls after the outage

    with time_machine.travel(datetime(2026, 12, 6, 7, 0, tzinfo=UTC), tick=False):
        run_job(app, "renewal-reminders", renewal_reminders)  # last run before the outage
    assert _reminders() == []
    # Down on 7, 8 and 9 December; back at 7am on the 10th.
    with time_machine.travel(datetime(2026, 12, 10, 7, 0, tzinfo=UTC), tick=False):
        run_job(app, "renewal-reminders", renewal_reminders)
        run_job(app, "renewal-reminders", renewal_reminders)  # a second run: still one
    assert [m.to_address for m in _reminders()] == [member.email]
    assert reminder_day < date(2026, 12, 10)
    with time_machine.travel(datetime(2026, 12, 11, 7, 0, tzinfo=UTC), tick=False):
        run_job(app, "renewal-reminders", renewal_reminders)
    assert [m.to_address for m in _reminders()] == [member.email]
    with time_machine.travel(datetime(2026, 12, 12, 7, 0, tzinfo=UTC), tick=False):
        run_job(app, "renewal-reminders", renewal_reminders)
    assert [m.to_address for m in _reminders()] == [member.email, early.email]


def test_renewing_moves_the_date_on_and_rearms_the_reminder(app):
    member = _member(TODAY + timedelta(days=10))
    with time_machine.travel(NOW, tick=False):
        run_job(app, "renewal-reminders", renewal_reminders)
    assert len(_reminders()) == 1
    # The member renews: next year's date, so nothing is due now...
    next_year = TODAY + timedelta(days=10 + 365)
    member = db.session.merge(member)
    member.membership.renewal_date = next_year
    db.session.commit()
    with time_machine.travel(NOW + timedelta(days=5), tick=False):
        run_job(app, "renewal-reminders", renewal_reminders)
    assert len(_reminders()) == 1
    # ...until four weeks before the new date.
    with time_machine.travel(
        datetime.combine(next_year - timedelta(days=28), datetime.min.time(), UTC)
        + timedelta(hours=7),
        tick=False,
    ):
        run_job(app, "renewal-reminders", renewal_reminders)
    keys = [m.key for m in _reminders()]
    assert keys == [
        renewal_key(member.membership.id, TODAY + timedelta(days=10)),
        renewal_key(member.membership.id, next_year),
    ]


def test_the_window_follows_the_target_in_force(app):
    _member(TODAY + timedelta(days=20))
    change_targets({"renewal-reminder": 14}, "Two weeks is enough")
    db.session.commit()
    assert queue_renewal_reminders(NOW) == 0
    assert queue_renewal_reminders(NOW + timedelta(days=6)) == 1


def test_london_date_decides_the_day(app):
    # 00:30 BST on 1 June is still 31 May in UTC: the reminder day is London's.
    renewal = date(2027, 6, 29)
    _member(renewal)
    assert queue_renewal_reminders(datetime(2027, 5, 31, 22, 59, tzinfo=UTC)) == 0
    assert queue_renewal_reminders(datetime(2027, 5, 31, 23, 30, tzinfo=UTC)) == 1


def test_batches_insert_every_row(app):
    for days in range(1, 8):
        _member(TODAY + timedelta(days=days))
    assert queue_renewal_reminders(NOW, batch_size=3) == 7
    db.session.commit()
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 7
