"""The sender under faults (issue 21): a mail server that refuses, one that says 421, and a
run longer than its lease beside a second sender."""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.notify.sender import send_pending
from portal.notify.services import insert_outbox_rows, mail_outage, outbox_row


def _queue_many(n: int) -> None:
    rows = [
        outbox_row(
            key=f"bulk:{i}",
            to=f"person{i}@example.test",
            subject=f"Update {i}",
            body_text=f"Hello {i}",
            body_html="",
        )
        for i in range(n)
    ]
    insert_outbox_rows(rows)
    db.session.commit()


def _attempts() -> Counter:
    db.session.expire_all()
    return Counter(db.session.scalars(select(OutboxMessage.attempts)))


def _refusing_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens here now: every connection is refused
    return port


def test_a_refusing_server_stops_the_run_and_charges_no_attempts(mail_config, app):
    app.extensions["mail"].port = _refusing_port()
    app.config["MAIL_BATCH_SIZE"] = 100
    _queue_many(380)

    report = send_pending()

    # One batch claimed, one connection tried, then the run stopped; nothing was charged.
    assert report.connection_failed
    assert (report.claimed, report.untried, report.retrying, report.sent) == (100, 100, 0, 0)
    assert _attempts() == Counter({0: 380})
    outage = mail_outage()
    assert outage.waiting == 380 and "refused" in outage.last_error.lower()
    # Another run a moment later finds them all due again, still uncharged.
    assert send_pending().untried == 100 and _attempts() == Counter({0: 380})


def test_administrators_and_staff_are_told_the_mail_server_is_down(
    mail_config, app, signed_in_as
):
    app.extensions["mail"].port = _refusing_port()
    _queue_many(380)
    send_pending()
    admin_client, _ = signed_in_as("admin")
    for path in ("/admin/", "/admin/mail"):
        page = admin_client.get(path).get_data(as_text=True)
        assert "Cannot reach the mail server since" in page, path
        assert "380 emails waiting" in page and "last error: ConnectionRefusedError" in page
    staff_client, _ = signed_in_as("staff")
    page = staff_client.get("/staff/").get_data(as_text=True)
    assert "Cannot reach the mail server since" in page
    member_client, _ = signed_in_as("member")
    assert "mail server" not in member_client.get("/member/").get_data(as_text=True)
    health = member_client.get("/healthz")
    assert health.status_code == 200
    assert health.json["status"] == "degraded" and health.json["mail"] == "unreachable"
    assert health.json["mail_waiting"] == 380


class Says421:
    """An SMTP handler that answers the first recipient with 421 and records every try."""

    def __init__(self) -> None:
        self.recipients: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.recipients.append(address)
        return "421 Service not available, closing transmission channel"


def test_a_421_closes_the_connection_and_stops_the_batch(mail_config, app, smtp):
    from tests.smtp_server import start_smtp

    handler = Says421()
    server = start_smtp(handler)
    app.extensions["mail"].port = server.port
    try:
        _queue_many(5)
        report = send_pending()
    finally:
        server.stop()
    assert handler.recipients == ["person0@example.test"]  # nothing more over that connection
    assert report.connection_failed and (report.retrying, report.untried) == (1, 4)
    # The one that met the 421 used an attempt; the other four did not.
    assert _attempts() == Counter({0: 4, 1: 1})
    assert "421" in mail_outage().last_error


def test_a_long_run_with_a_short_lease_never_sends_a_message_twice(
    mail_config, app, smtp, backend
):
    """Sender A's run lasts about twice its lease; sender B runs again and again meanwhile
    (a new leader, or someone running the job by hand). No Message-ID may arrive twice."""
    if backend != "postgresql":
        pytest.skip("two senders at once need PostgreSQL's row locks")
    # Six seconds: more than the five-second margin a batch keeps before its lease ends.
    app.config.update(MAIL_BATCH_SIZE=5, MAIL_SEND_LEASE_SECONDS=6)
    smtp.handler.delay = 0.1  # a batch of 5 takes about half a second
    total = 150
    _queue_many(total)
    finished = threading.Event()
    errors: list[BaseException] = []

    def sender_a():
        try:
            with app.app_context():
                send_pending()
                db.session.remove()
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            finished.set()

    def sender_b():
        try:
            with app.app_context():
                time.sleep(1)  # let A get going, so most of the queue is A's
                while not finished.wait(1):
                    send_pending(max_batches=1)
                    db.session.remove()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=sender_a), threading.Thread(target=sender_b)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    elapsed = time.monotonic() - started
    assert errors == []
    assert elapsed > 6, "the run must outlast its lease for this test to mean anything"
    send_pending()  # whatever A stopped short of (B held it at that moment)
    ids = Counter(m["Message-ID"] for m in smtp.handler.messages)
    assert [key for key, n in ids.items() if n > 1] == []
    db.session.expire_all()
    assert set(db.session.scalars(select(OutboxMessage.status))) == {"sent"}


def test_a_batch_stops_starting_messages_in_time_for_the_last_to_finish_in_its_lease(
    mail_config, app, smtp
):
    # A 4 s lease keeps half of it back here: messages start only in the first 2 s.
    app.config.update(MAIL_BATCH_SIZE=10, MAIL_SEND_LEASE_SECONDS=4)
    smtp.handler.delay = 0.5
    _queue_many(10)
    started = time.monotonic()
    report = send_pending(max_batches=1)
    assert time.monotonic() - started < 4  # all done inside the lease
    assert 3 <= report.sent <= 5 and report.untried == 10 - report.sent
    assert _attempts() == Counter({1: report.sent, 0: 10 - report.sent})
