"""Charter watch, regular updates and the certificates digest: each alert goes once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from portal.certificates import services as completions
from portal.extensions import db
from portal.jobs.registry import JOBS
from portal.jobs.watch import certificates, charter_watch, regular_updates
from portal.notify.models import OutboxMessage
from portal.requests import services
from tests.approvals.helpers import make_centre_user, make_qualification
from tests.factories import make_user

MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a query then is due Thu 26, 5pm


def _subjects(to: str | None = None) -> list[str]:
    query = select(OutboxMessage.subject).order_by(OutboxMessage.id)
    if to:
        query = query.where(OutboxMessage.to_address == to)
    return list(db.session.scalars(query))


def _query(**fields):
    made = services.submit_request(
        "query",
        subject="Renewal fee",
        body="How much is it?",
        name="Vera Visitor",
        email="vera@example.test",
        received_at=MONDAY_9AM,
        notify_customer=False,
        **fields,
    ).request
    db.session.flush()
    assert made.next_due_at == datetime(2026, 11, 26, 17, tzinfo=UTC)
    return made


def test_at_risk_then_overdue_each_alert_once(app):
    made = _query()
    team = app.config["STAFF_TEAM_EMAIL"]
    assert charter_watch(datetime(2026, 11, 26, 12, tzinfo=UTC)) == (
        "alerted 0 at risk and 0 overdue"  # 5 office hours left: on track
    )
    thursday_2pm = datetime(2026, 11, 26, 14, tzinfo=UTC)
    assert charter_watch(thursday_2pm) == "alerted 1 at risk and 0 overdue"
    assert charter_watch(thursday_2pm) == "alerted 0 at risk and 0 overdue"
    [alert] = _subjects(team)
    assert alert == f"{made.reference} is at risk: due 5pm on Thursday 26 November 2026"
    friday = datetime(2026, 11, 27, 10, tzinfo=UTC)
    assert charter_watch(friday) == "alerted 0 at risk and 1 overdue"
    assert charter_watch(friday) == "alerted 0 at risk and 0 overdue"
    assert _subjects(team)[-1].startswith(f"{made.reference} is overdue")


def test_the_assignee_is_alerted_rather_than_the_team(app):
    staff = make_user("staff", email="sam@staff.test")
    made = _query()
    services.assign(made, staff, staff)
    charter_watch(datetime(2026, 11, 26, 14, tzinfo=UTC))
    assert _subjects("sam@staff.test") == [
        f"{made.reference} is at risk: due 5pm on Thursday 26 November 2026"
    ]
    assert _subjects(app.config["STAFF_TEAM_EMAIL"]) == []


def test_answered_or_waiting_requests_are_not_alerted_about_their_first_reply(app):
    staff = make_user("staff")
    made = _query()
    services.staff_reply(made, staff, "It is £120 a year.")
    assert charter_watch(datetime(2026, 11, 27, 10, tzinfo=UTC)).startswith("alerted 0 at risk")


def test_regular_update_reminder_goes_once_per_update_due(app):
    staff = make_user("staff", email="sam@staff.test")
    made = services.submit_request(
        "complaint",
        subject="Late certificate",
        body="Still waiting.",
        name="Vera Visitor",
        email="vera@example.test",
        notify_customer=False,
    ).request
    services.assign(made, staff, staff)
    services.staff_reply(made, staff, "Sorry: we will fix it.", resolution_date=date(2027, 1, 29))
    db.session.flush()
    due = made.next_update_due_at
    assert due is not None
    assert regular_updates(made.first_reply_at) == "reminded staff of 0 updates due"  # 5 days off
    assert regular_updates(due - timedelta(days=1)) == "reminded staff of 1 updates due"
    assert regular_updates(due) == "reminded staff of 0 updates due"
    [reminder] = _subjects("sam@staff.test")
    assert reminder.startswith(f"Update due on {made.reference} by")


def test_certificates_digest_lists_late_and_near_ones_once_a_day(app):
    qualification = make_qualification()
    user = make_centre_user(qualifications=[qualification])
    staff = make_user("staff")
    made = [
        completions.record_completion(
            user.organisation,
            user,
            learner_name=f"Learner {n}",
            learner_ref=f"L{n}",
            qualification_id=qualification.id,
            completed_on=date(2026, 10, 1),
            assessment_signed_off=True,
        )
        for n in range(3)
    ]
    completions.sign_off(made[:1], staff, now=datetime(2026, 10, 5, 10, tzinfo=UTC))
    completions.sign_off(made[1:2], staff, now=datetime(2026, 11, 5, 10, tzinfo=UTC))
    db.session.flush()
    # 26 Oct + 15 working days: the first is late by 26 Nov; the second due 26 Nov; the
    # third was never signed off, so it has no clock.
    summary = certificates(datetime(2026, 11, 25, 9, tzinfo=UTC))
    assert summary == "digest of 2 certificates (1 overdue)"
    assert certificates(datetime(2026, 11, 25, 15, tzinfo=UTC)) == summary  # same day: one email
    [digest] = _subjects(app.config["CERTIFICATES_TEAM_EMAIL"])
    assert digest == "Certificates to post: 1 overdue, 1 due within two working days"
    body = db.session.scalar(select(OutboxMessage.body_text))
    assert "Learner 0" in body and "OVERDUE" in body and "Learner 2" not in body


def test_every_job_is_registered(runner):
    for name in ("charter-watch", "regular-updates", "certificates", "inbound-mail"):
        assert name in JOBS
    result = runner.invoke(args=["jobs", "list"])
    assert "charter-watch" in result.output and "certificates" in result.output
