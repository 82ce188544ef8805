"""The job registry, ``flask jobs``, and jobs end to end with a real SMTP server."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from portal.cli import parse_instant
from portal.extensions import db
from portal.jobs.registry import JOBS, next_run
from portal.notify.models import OutboxMessage
from tests.factories import make_user


def test_every_job_is_listed_with_its_next_run(app, runner):
    result = runner.invoke(args=["jobs", "list"])
    assert result.exit_code == 0, result.output
    for name in ("send-outbox", "renewal-reminders"):
        assert name in result.output
    assert "next " in result.output and "(and when the worker starts)" in result.output


def test_next_runs_are_in_london_time(app):
    summer = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)
    upcoming = next_run(JOBS["renewal-reminders"], app.config, summer)
    # 7am London in June is 6am UTC, the next morning.
    assert upcoming.astimezone(UTC) == datetime(2027, 6, 2, 6, 0, tzinfo=UTC)
    interval = next_run(JOBS["send-outbox"], {"OUTBOX_SEND_SECONDS": 30}, summer)
    assert timedelta(0) < interval - summer <= timedelta(seconds=30)


def test_jobs_run_as_of_an_instant(app, runner):
    user = make_user("member")
    user.membership.renewal_date = date(2027, 3, 1)
    db.session.commit()
    early = runner.invoke(args=["jobs", "run", "renewal-reminders", "--now", "2027-01-31"])
    assert early.exit_code == 0, early.output
    assert "queued 0" in early.output
    due = runner.invoke(args=["jobs", "run", "renewal-reminders", "--now", "2027-02-01T07:00"])
    assert "renewal-reminders: queued 1 renewal reminders" in due.output
    again = runner.invoke(args=["jobs", "run", "renewal-reminders", "--now", "2027-02-02"])
    assert "queued 0" in again.output


def test_jobs_run_refuses_unknown_jobs_and_bad_instants(app, runner):
    unknown = runner.invoke(args=["jobs", "run", "tidy-up"])
    assert unknown.exit_code != 0 and "No job called 'tidy-up'" in unknown.output
    bad = runner.invoke(args=["jobs", "run", "send-outbox", "--now", "next tuesday"])
    assert bad.exit_code != 0 and "ISO date" in bad.output


def test_instants_without_a_zone_are_london_time():
    assert parse_instant("2027-06-01T09:00") == datetime(2027, 6, 1, 8, 0, tzinfo=UTC)
    assert parse_instant("2027-01-01T09:00") == datetime(2027, 1, 1, 9, 0, tzinfo=UTC)
    assert parse_instant("2027-06-01T09:00+00:00") == datetime(2027, 6, 1, 9, 0, tzinfo=UTC)


def test_every_registered_job_runs_from_the_command_line(app, runner):
    for name in JOBS:
        result = runner.invoke(args=["jobs", "run", name])
        assert result.exit_code == 0, (name, result.output)


def test_a_renewal_reminder_arrives_by_smtp_with_its_calendar_entry(
    mail_config, app, runner, smtp
):
    user = make_user("member", full_name="Priya Sharma", email="priya@example.test")
    user.membership.renewal_date = date(2027, 3, 1)
    db.session.commit()
    runner.invoke(args=["jobs", "run", "renewal-reminders", "--now", "2027-02-10"])
    sent = runner.invoke(args=["jobs", "run", "send-outbox"])
    assert "sent 1" in sent.output, sent.output

    [message] = smtp.handler.to("priya@example.test")
    assert message["Subject"] == "Your membership renewal is due on Monday 1 March 2027"
    body = message.get_body(("plain",)).get_content()
    assert "Hello Priya," in body and "due for renewal on Monday 1 March 2027" in body
    [ics] = list(message.iter_attachments())
    assert ics.get_filename() == "renewal.ics"
    text = ics.get_payload(decode=True).decode()
    assert "DTSTART;VALUE=DATE:20270301\r\n" in text
    db.session.expire_all()
    row = db.session.scalar(select(OutboxMessage))
    assert row.status == "sent"
    stored = base64.b64decode(row.attachments[0]["data"]).decode()
    assert stored == text
