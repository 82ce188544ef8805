"""The sender against a real SMTP server on loopback: what arrives, retries, failures, crashes."""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from portal.database import utcnow
from portal.extensions import db
from portal.notify import sender
from portal.notify.models import OutboxMessage
from portal.notify.sender import send_pending
from portal.notify.services import (
    attachment,
    mail_outage,
    message_id_for,
    on_message_failed,
    queue_email,
    remove_failure_hook,
)
from tests.smtp_server import start_smtp


def _queue(n: int = 1, prefix: str = "test", **kwargs) -> list[OutboxMessage]:
    messages = [
        queue_email(
            f"{prefix}:{i}",
            f"person{i}@example.test",
            f"Update {i}",
            "status_update",
            first_name=f"Person{i}",
            headline=f"Something changed ({i})",
            reference=f"Q-{i:04d}",
            link=f"http://localhost/requests/{i}",
            **kwargs,
        )
        for i in range(n)
    ]
    db.session.commit()
    return messages


def _statuses() -> dict[str, str]:
    db.session.expire_all()
    return dict(db.session.execute(select(OutboxMessage.key, OutboxMessage.status)).all())


def test_delivers_text_html_headers_and_attachments(mail_config, app, smtp):
    queue_email(
        "renewal-test",
        "member@example.test",
        "Renewal due",
        "status_update",
        attachments=[attachment("renewal.ics", "text/calendar", "BEGIN:VCALENDAR\r\n")],
        headers={"List-Unsubscribe": "<http://localhost/u/x>"},
        first_name="Priya",
        headline="Your renewal is due",
        reference="M0001",
        link="http://localhost/member/",
    )
    db.session.commit()

    report = send_pending()

    assert (report.sent, report.failed, report.retrying) == (1, 0, 0)
    [received] = smtp.handler.messages
    assert smtp.handler.envelopes[0][1] == ["member@example.test"]
    assert received["To"] == "member@example.test"
    assert received["Subject"] == "Renewal due"
    assert received["Message-ID"] == message_id_for("renewal-test")
    assert received["List-Unsubscribe"] == "<http://localhost/u/x>"
    plain = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "Hello Priya," in plain and "Your renewal is due" in plain
    assert '<a href="http://localhost/member/">' in html
    [ics] = list(received.iter_attachments())
    assert ics.get_filename() == "renewal.ics"
    assert ics.get_content_type() == "text/calendar"
    assert _statuses() == {"renewal-test": "sent"}
    assert send_pending().claimed == 0


def test_without_a_mail_server_mail_stays_in_the_outbox(app):
    _queue(2)
    assert send_pending().claimed == 0
    assert set(_statuses().values()) == {"pending"}


def test_server_down_then_back_everything_arrives_once(mail_config, app, smtp):
    port = smtp.port
    smtp.stop()
    _queue(5)
    now = utcnow()

    down = send_pending(now)

    assert down.connection_failed and down.untried == 5 and down.sent == 0
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert {m.status for m in rows} == {"pending"}
    # Nobody answered, so no attempt is used up and nothing is held back by a backoff.
    assert all(m.attempts == 0 and m.next_attempt_at <= now for m in rows)
    outage = mail_outage()
    assert outage.waiting == 5 and "Connection" in outage.last_error

    for hours in range(1, 13):  # half a day of runs against a dead server burns nothing
        assert send_pending(now + timedelta(hours=hours)).untried == 5
    db.session.expire_all()
    assert all(m.attempts == 0 for m in db.session.scalars(select(OutboxMessage)))

    back = start_smtp(smtp.handler, port=port)
    try:
        report = send_pending(now + timedelta(hours=12, seconds=30))
        assert report.sent == 5
        assert send_pending(now + timedelta(hours=24)).claimed == 0
    finally:
        back.stop()
    keys = sorted(m["Message-ID"] for m in smtp.handler.messages)
    assert keys == sorted(message_id_for(f"test:{i}") for i in range(5))
    assert set(_statuses().values()) == {"sent"}
    assert mail_outage() is None


@pytest.fixture
def failures():
    """A stand-in for the requests area's hook: records each failed message."""
    seen: list[tuple[str, int | None, str]] = []

    def hook(message):
        seen.append((message.key, message.request_id, message.last_error))

    on_message_failed(hook)
    yield seen
    remove_failure_hook(hook)


def test_permanent_refusal_fails_the_message_and_tells_the_hook(
    mail_config, app, smtp, failures, request_id
):
    smtp.handler.refuse["person1@example.test"] = "550 5.1.1 No such mailbox"
    _queue(3, request_id=request_id)

    report = send_pending()

    assert (report.sent, report.failed) == (2, 1)
    assert _statuses() == {"test:0": "sent", "test:1": "failed", "test:2": "sent"}
    failed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.key == "test:1"))
    assert "550" in failed.last_error and "No such mailbox" in failed.last_error
    assert failures == [("test:1", request_id, failed.last_error)]
    assert send_pending(utcnow() + timedelta(days=1)).claimed == 0  # failed stays failed


def test_temporary_refusal_retries_then_fails_after_max_attempts(mail_config, app, smtp, failures):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    smtp.handler.refuse["person0@example.test"] = "450 4.2.0 Mailbox busy"
    _queue(1)
    now = utcnow()
    for attempt, wait in ((1, 60), (2, 120)):
        report = send_pending(now)
        assert report.retrying == 1
        message = db.session.scalar(select(OutboxMessage))
        assert message.status == "pending" and message.attempts == attempt
        assert message.next_attempt_at == now + timedelta(seconds=wait)
        now = message.next_attempt_at
    assert failures == []
    report = send_pending(now)
    assert report.failed == 1
    assert _statuses() == {"test:0": "failed"}
    assert len(failures) == 1 and "Gave up after 3 attempts" in failures[0][2]


def test_a_broken_hook_does_not_stop_the_failure_being_recorded(mail_config, app, smtp):
    def broken(message):
        raise RuntimeError("hook bug")

    on_message_failed(broken)
    try:
        smtp.handler.refuse["person0@example.test"] = "550 No"
        _queue(1)
        assert send_pending().failed == 1
    finally:
        remove_failure_hook(broken)
    assert _statuses() == {"test:0": "failed"}


def test_a_silent_server_times_out_instead_of_hanging(mail_config, app, smtp):
    # Accepts the TCP connection (the kernel does) but never sends a greeting.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)
    app.extensions["mail"].port = silent.getsockname()[1]
    app.config.update(MAIL_CONNECT_TIMEOUT=1, MAIL_TIMEOUT=1)
    _queue(2)
    started = time.monotonic()
    try:
        report = send_pending()
    finally:
        silent.close()
    assert time.monotonic() - started < 5
    assert report.connection_failed and report.untried == 2
    assert "timed out" in mail_outage().last_error.lower()


class SimulatedCrash(BaseException):
    """Stands for the process dying: nothing in the sender catches it."""


def test_crash_between_send_and_mark_is_at_least_once_with_the_same_message_id(
    mail_config, app, smtp, monkeypatch
):
    app.config["MAIL_SEND_LEASE_SECONDS"] = 120
    _queue(3)
    now = utcnow()
    real_mark_sent = sender._mark_sent
    calls = {"n": 0}

    def crash_on_second(message):
        calls["n"] += 1
        if calls["n"] == 2:
            raise SimulatedCrash
        real_mark_sent(message)

    monkeypatch.setattr(sender, "_mark_sent", crash_on_second)
    with pytest.raises(SimulatedCrash):
        send_pending(now)
    db.session.rollback()  # the dead process's transaction never commits
    monkeypatch.setattr(sender, "_mark_sent", real_mark_sent)

    # test:0 was sent and marked; test:1 was sent but not marked; test:2 was never tried.
    assert _statuses() == {"test:0": "sent", "test:1": "sending", "test:2": "sending"}
    assert [m["Message-ID"] for m in smtp.handler.messages] == [
        message_id_for("test:0"),
        message_id_for("test:1"),
    ]
    # While the lease runs, no other sender touches them.
    assert send_pending(now + timedelta(seconds=119)).claimed == 0
    # Once it lapses they are sent again: test:1 a second time, with the same Message-ID.
    report = send_pending(now + timedelta(seconds=121))
    assert report.sent == 2
    assert set(_statuses().values()) == {"sent"}
    ids = [m["Message-ID"] for m in smtp.handler.messages]
    assert ids.count(message_id_for("test:0")) == 1
    assert ids.count(message_id_for("test:1")) == 2  # the one documented duplicate
    assert ids.count(message_id_for("test:2")) == 1


def test_a_message_that_keeps_crashing_the_sender_is_given_up(mail_config, app, smtp, failures):
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    [message] = _queue(1)
    message.status = "sending"
    message.attempts = 2
    message.lease_expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    report = send_pending()
    assert report.failed == 1 and smtp.handler.messages == []
    assert _statuses() == {"test:0": "failed"}
    assert failures and "Gave up" in failures[0][2]


def test_two_senders_at_once_never_send_a_message_twice(mail_config, app, smtp, backend):
    if backend != "postgresql":
        pytest.skip("concurrent senders claim with SKIP LOCKED on PostgreSQL")
    app.config["MAIL_BATCH_SIZE"] = 10
    smtp.handler.delay = 0.005
    total = 200
    _queue(total)
    start = threading.Barrier(2)
    reports = []
    errors = []

    def run():
        try:
            with app.app_context():
                start.wait()
                reports.append(send_pending())
                db.session.remove()
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    ids = [m["Message-ID"] for m in smtp.handler.messages]
    assert len(ids) == total and len(set(ids)) == total
    assert sum(r.sent for r in reports) == total
    assert all(r.claimed > 0 for r in reports), "both senders took part"
    assert set(_statuses().values()) == {"sent"}


def test_a_claim_skips_rows_another_sender_holds(mail_config, app, backend):
    """The claim never waits for, nor takes, rows another transaction has locked."""
    if backend != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's")
    _queue(20)
    ids = db.session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)).all()
    with db.engine.connect() as other:
        other.begin()
        other.execute(
            select(OutboxMessage.id).where(OutboxMessage.id.in_(ids[:5])).with_for_update()
        ).all()
        db.session.execute(text("SET lock_timeout = '2s'"))
        claimed = sender.claim_batch(utcnow(), 10, 60)
        other.rollback()
    assert claimed == ids[5:15]


def test_non_ascii_subjects_names_and_bodies_arrive_intact(mail_config, app, smtp):
    queue_email(
        "accents",
        "zoe@example.test",
        "Renewal – Zoë’s reminder",
        "status_update",
        headers={"List-Unsubscribe": "<http://localhost/email/unsubscribe/" + "x" * 120 + ">"},
        attachments=[attachment("renewal.ics", "text/calendar", "SUMMARY:Zoë\r\n")],
        first_name="Zoë",
        headline="Ça marche – “quoted”",
        reference="R-1",
        link="http://localhost/",
    )
    db.session.commit()
    assert send_pending().sent == 1
    [received] = smtp.handler.messages
    assert received["Subject"] == "Renewal – Zoë’s reminder"
    assert received["List-Unsubscribe"] == (
        "<http://localhost/email/unsubscribe/" + "x" * 120 + ">"
    )
    assert "Hello Zoë," in received.get_body(("plain",)).get_content()
    assert "Ça marche – “quoted”" in received.get_body(("html",)).get_content()
    [ics] = list(received.iter_attachments())
    assert ics.get_payload(decode=True).decode() == "SUMMARY:Zoë\r\n"
