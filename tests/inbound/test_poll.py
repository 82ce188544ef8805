"""The inbound email job against a real IMAP server (Dovecot on loopback).

Each test delivers mail with IMAP APPEND (choosing its INTERNALDATE, the instant the charter
clock counts from), runs the job once, and checks the mailbox, the ``inbound_message`` rows,
what the requests area was handed (a test double) and the outbox.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from portal.extensions import db
from portal.inbound.imap import ImapMailbox
from portal.inbound.job import poll_mailboxes
from portal.inbound.models import InboundMessage
from portal.notify.models import OutboxMessage
from portal.notify.services import reply_address
from tests.inbound.conftest import PASSWORD, mailbox_config
from tests.inbound.mail import EXE, PDF, PNG, build, docx_bytes, message_id_of

# In the past: Dovecot files a future INTERNALDATE under the time of delivery instead.
TUESDAY_1030 = datetime(2025, 11, 25, 10, 30, tzinfo=UTC)  # GMT: London time is UTC
SATURDAY_1100 = datetime(2025, 11, 22, 11, 0, tzinfo=UTC)
MONDAY_0900 = datetime(2025, 11, 24, 9, 0, tzinfo=UTC)


def rows() -> list[InboundMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def outbox(to: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == to).order_by(OutboxMessage.id)
        )
    )


def test_a_new_email_becomes_a_request_and_is_acknowledged_once(
    app, imap_server, mailbox, gateway
):
    raw = build(attachments=[("renewal.pdf", "application/pdf", PDF)])
    imap_server.append(mailbox, raw, TUESDAY_1030)

    summary = poll_mailboxes(gateway=gateway)

    assert summary == "enquiries: 1 new requests"
    [request] = gateway.requests.values()
    assert request.reference == "Q-2025-000001"
    assert request.kind == "query"
    assert (request.sender_name, request.contact_email) == ("Ada Lovelace", "ada@example.test")
    assert request.subject == "Question about my membership"
    assert request.body == "Hello,\n\nWhen is my renewal due?\n\nAda"
    assert request.received_at == TUESDAY_1030  # INTERNALDATE, not when we read it
    assert request.clock_started_at == TUESDAY_1030  # inside office hours: no delay
    assert [(a.filename, a.content_type, a.data) for a in request.attachments] == [
        ("renewal.pdf", "application/pdf", PDF)
    ]
    [row] = rows()
    assert row.status == "taken"
    assert row.message_key == row.message_id == message_id_of(raw)
    assert (row.mailbox, row.request_id, row.is_acknowledged) == ("enquiries", 1, True)
    assert row.received_at == TUESDAY_1030
    assert row.uid >= 1 and row.uid_validity
    [ack] = outbox("ada@example.test")
    assert ack.subject == "We have your email: Q-2025-000001"
    assert "Q-2025-000001" in ack.body_text
    assert "We will reply by 5pm on Friday 28 November." in ack.body_text
    # Moved out of the inbox, so the next run has nothing to do.
    assert imap_server.messages(mailbox) == []
    assert imap_server.messages(mailbox, "Processed") == [raw.replace(b"\n", b"\r\n")]
    assert poll_mailboxes(gateway=gateway) == "enquiries: nothing new"
    assert len(gateway.requests) == 1 and len(outbox("ada@example.test")) == 1


@pytest.mark.parametrize("mode", ["tls", "starttls"])
def test_mailboxes_are_read_over_tls(app, imap_server, gateway, mode):
    user = imap_server.new_account()
    port = imap_server.tls_port if mode == "tls" else imap_server.port
    app.config["INBOUND_MAILBOXES"] = [
        mailbox_config(imap_server, user, port=port, ssl=mode, ca_file=imap_server.ca_file)
    ]
    imap_server.append(user, build(), TUESDAY_1030)

    assert poll_mailboxes(gateway=gateway) == "enquiries: 1 new requests"


def test_a_server_certificate_that_is_not_trusted_is_refused(app, imap_server, gateway):
    user = imap_server.new_account()
    app.config["INBOUND_MAILBOXES"] = [
        mailbox_config(imap_server, user, port=imap_server.tls_port, ssl="tls")
    ]
    imap_server.append(user, build(), TUESDAY_1030)

    summary = poll_mailboxes(gateway=gateway)

    assert summary.startswith("enquiries: could not be read (")
    assert "CERTIFICATE_VERIFY_FAILED" in summary
    assert gateway.requests == {}
    assert len(imap_server.messages(user)) == 1


def test_a_saturday_email_starts_the_clock_at_nine_on_monday(app, imap_server, mailbox, gateway):
    imap_server.append(mailbox, build(), SATURDAY_1100)

    with time_machine.travel(SATURDAY_1100 + timedelta(minutes=3), tick=True):
        poll_mailboxes(gateway=gateway)

    [request] = gateway.requests.values()
    assert request.received_at == SATURDAY_1100
    assert request.clock_started_at == MONDAY_0900
    assert rows()[0].clock_started_at == MONDAY_0900
    [ack] = outbox("ada@example.test")
    assert "We will reply by 5pm on Thursday 27 November." in ack.body_text
    assert (
        "Your request reached us on Saturday 22 November, when our office is closed for the "
        "weekend, so we began counting from 9am on Monday 24 November." in ack.body_text
    )


def test_a_reply_to_the_requests_reply_address_joins_the_request(
    app, imap_server, mailbox, gateway
):
    imap_server.append(mailbox, build(), TUESDAY_1030)
    poll_mailboxes(gateway=gateway)
    reply = build(
        to=reply_address(1),
        subject="RE: We have your email: Q-2025-000001",
        body="Also, can I pay by card?",
        attachments=[("form.docx", "application/octet-stream", docx_bytes())],
    )
    imap_server.append(mailbox, reply, TUESDAY_1030 + timedelta(hours=2))

    assert poll_mailboxes(gateway=gateway) == "enquiries: 1 replies"

    assert len(gateway.requests) == 1
    [added] = gateway.by_reference("Q-2025-000001").replies
    assert added["body"] == "Also, can I pay by card?"
    assert added["received_at"] == TUESDAY_1030 + timedelta(hours=2)
    assert [a.content_type for a in added["attachments"]] == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ]
    row = rows()[-1]
    assert (row.status, row.request_id, row.is_acknowledged) == ("threaded", 1, False)
    assert "it was sent to that request's reply address" in row.reason
    assert "Sender verified: DMARC passed for example.test." in added["notes"]
    assert len(outbox("ada@example.test")) == 1  # replies are not acknowledged again


def test_a_reference_alone_does_not_join_even_from_the_same_address(
    app, imap_server, mailbox, gateway
):
    imap_server.append(mailbox, build(), TUESDAY_1030)
    poll_mailboxes(gateway=gateway)
    guessed = build(subject="RE: We have your email: Q-2025-000001", body="Resume it")
    imap_server.append(mailbox, guessed, TUESDAY_1030 + timedelta(hours=1))

    assert poll_mailboxes(gateway=gateway) == "enquiries: 1 new requests"

    assert gateway.by_reference("Q-2025-000001").replies == []
    new = gateway.by_reference("Q-2025-000002")
    assert any("mentions Q-2025-000001" in note for note in new.notes)


def test_a_reference_from_someone_else_does_not_join_their_request(
    app, imap_server, mailbox, gateway
):
    imap_server.append(mailbox, build(), TUESDAY_1030)
    poll_mailboxes(gateway=gateway)
    imap_server.append(
        mailbox,
        build(
            sender="Mallory <mallory@example.test>",
            to=reply_address(1),
            subject="About Q-2025-000001",
        ),
        TUESDAY_1030 + timedelta(hours=1),
    )

    assert poll_mailboxes(gateway=gateway) == "enquiries: 1 new requests"

    assert gateway.by_reference("Q-2025-000001").replies == []
    new = gateway.by_reference("Q-2025-000002")
    assert new.contact_email == "mallory@example.test"
    assert "points at Q-2025-000001" in new.notes[1]
    assert "different address" in rows()[-1].reason


def test_replies_join_only_by_message_ids_we_sent(app, imap_server, mailbox, gateway):
    first = build()
    imap_server.append(mailbox, first, TUESDAY_1030)
    poll_mailboxes(gateway=gateway)
    ours = "<3f6c0a9e2b@portal.example>"  # an email the outbox sent about the request
    gateway.sent_message_ids[ours] = 1
    answers_ours = build(subject="Re: your question", headers={"In-Reply-To": ours})
    follows_own = build(
        subject="One more thing",
        headers={"References": f"<unrelated@elsewhere.test> {message_id_of(first)}"},
    )
    embedded = build(
        subject="Re: update", headers={"In-Reply-To": "<Q-2025-000001.update-3@portal.example>"}
    )
    for n, raw in enumerate((answers_ours, follows_own, embedded), start=1):
        imap_server.append(mailbox, raw, TUESDAY_1030 + timedelta(minutes=n))

    assert poll_mailboxes(gateway=gateway) == "enquiries: 2 new requests, 1 replies"

    request = gateway.by_reference("Q-2025-000001")
    assert [r["subject"] for r in request.replies] == ["Re: your question"]
    assert rows()[1].reason.splitlines()[0] == (
        "Added to Q-2025-000001: it replies to an email we sent."
    )
    embedded_request = gateway.by_reference("Q-2025-000003")
    assert any("mentions Q-2025-000001" in note for note in embedded_request.notes)


@pytest.mark.parametrize(
    ("sender", "headers", "why"),
    [
        ("ada@example.test", {"Auto-Submitted": "auto-replied"}, "Auto-Submitted: auto-replied"),
        ("ada@example.test", {"Precedence": "bulk"}, "Precedence: bulk"),
        ("ada@example.test", {"List-Id": "<news.example.test>"}, "mailing list (List-Id)"),
        ("ada@example.test", {"X-Autoreply": "yes"}, "automatic reply (X-Autoreply)"),
        ("MAILER-DAEMON@mx.example.test", {}, "bounce (sent by the mail system)"),
        ("ada@example.test", {"Return-Path": "<>"}, "bounce (empty Return-Path)"),
    ],
)
def test_automatic_mail_is_never_acknowledged(
    app, imap_server, mailbox, gateway, sender, headers, why
):
    imap_server.append(
        mailbox, build(sender=sender, subject="Out of office", headers=headers), TUESDAY_1030
    )

    assert poll_mailboxes(gateway=gateway) == "enquiries: 1 new requests"

    [row] = rows()
    assert (row.status, row.is_acknowledged, row.automatic) == ("taken", False, why)
    assert f"No acknowledgement was sent: the email was sent automatically ({why})." in row.reason
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert gateway.acknowledgements == []


def test_an_automatic_reply_to_a_request_is_not_taken_as_the_customer_answering(
    app, imap_server, mailbox, gateway
):
    imap_server.append(mailbox, build(), TUESDAY_1030)
    poll_mailboxes(gateway=gateway)
    out_of_office = build(
        to=reply_address(1),
        subject="Automatic reply: We have your email: Q-2025-000001",
        headers={"Auto-Submitted": "auto-replied"},
    )
    imap_server.append(mailbox, out_of_office, TUESDAY_1030 + timedelta(minutes=1))

    assert poll_mailboxes(gateway=gateway) == "enquiries: 1 ignored"

    assert gateway.by_reference("Q-2025-000001").replies == []
    row = rows()[-1]
    assert (row.status, row.request_id) == ("ignored", 1)
    assert "not added to the request" in row.reason
    assert len(outbox("ada@example.test")) == 1
    assert len(imap_server.messages(mailbox, "Processed")) == 2


def test_mail_from_our_own_address_is_ignored(app, imap_server, mailbox, gateway):
    app.config["MAIL_DEFAULT_SENDER"] = "Member Services <help@portal.example>"
    imap_server.append(mailbox, build(sender="help@portal.example"), TUESDAY_1030)

    assert poll_mailboxes(gateway=gateway) == "enquiries: 1 ignored"

    assert gateway.requests == {}
    assert rows()[0].status == "ignored"
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_acknowledgements_to_one_address_are_limited_per_hour(app, imap_server, mailbox, gateway):
    for n in range(5):
        imap_server.append(
            mailbox, build(subject=f"Question {n}"), TUESDAY_1030 + timedelta(minutes=n)
        )

    assert poll_mailboxes(gateway=gateway) == "enquiries: 5 new requests"

    assert [row.is_acknowledged for row in rows()] == [True, True, True, False, False]
    assert "already sent 3 acknowledgements in the last hour" in rows()[3].reason
    assert len(outbox("ada@example.test")) == 3
    # Someone else is not held back by Ada's count.
    imap_server.append(mailbox, build(sender="bob@example.test"), TUESDAY_1030)
    poll_mailboxes(gateway=gateway)
    assert len(outbox("bob@example.test")) == 1
    # An hour later Ada is acknowledged again.
    imap_server.append(mailbox, build(subject="Later"), TUESDAY_1030)
    poll_mailboxes(gateway=gateway, now=datetime.now(UTC) + timedelta(hours=1, minutes=1))
    assert len(outbox("ada@example.test")) == 4


def test_the_same_message_id_twice_is_taken_once(app, imap_server, mailbox, gateway):
    raw = build()
    imap_server.append(mailbox, raw, TUESDAY_1030)
    imap_server.append(mailbox, raw, TUESDAY_1030 + timedelta(seconds=5))

    assert poll_mailboxes(gateway=gateway) == "enquiries: 1 new requests, 1 already taken"

    assert len(gateway.requests) == 1
    assert len(rows()) == 1
    assert imap_server.messages(mailbox) == []
    assert len(imap_server.messages(mailbox, "Processed")) == 2


def test_a_message_without_message_id_is_known_by_its_hash(app, imap_server, mailbox, gateway):
    raw = build(message_id=None)
    imap_server.append(mailbox, raw, TUESDAY_1030)
    imap_server.append(mailbox, raw, TUESDAY_1030)

    assert poll_mailboxes(gateway=gateway) == "enquiries: 1 new requests, 1 already taken"

    [row] = rows()
    assert row.message_id is None
    assert row.message_key.startswith("sha256:") and len(row.message_key) == 71


def test_a_crash_before_the_move_does_not_make_a_second_request(
    app, imap_server, mailbox, gateway, monkeypatch
):
    imap_server.append(mailbox, build(), TUESDAY_1030)

    def crash(self, uid, folder):
        raise OSError("connection reset")

    with monkeypatch.context() as patch:
        patch.setattr(ImapMailbox, "move", crash)
        summary = poll_mailboxes(gateway=gateway)
    assert summary == "enquiries: could not be read (connection reset)"
    assert len(imap_server.messages(mailbox)) == 1  # recorded, but still in the inbox
    # Moments later it looks like another worker's message on its way out: left alone.
    assert poll_mailboxes(gateway=gateway) == "enquiries: 1 being taken by another worker"

    later = datetime.now(UTC) + timedelta(minutes=3)
    assert poll_mailboxes(gateway=gateway, now=later) == "enquiries: 1 already taken"

    assert len(gateway.requests) == 1 and len(rows()) == 1
    assert imap_server.messages(mailbox) == []
    assert len(outbox("ada@example.test")) == 1


def test_two_workers_at_once_take_each_message_once(app, imap_server, mailbox, gateway):
    raws = [build(subject=f"Question {n}", sender=f"p{n}@example.test") for n in range(6)]
    for n, raw in enumerate(raws):
        imap_server.append(mailbox, raw, TUESDAY_1030 + timedelta(minutes=n))
    summaries: list[str] = []
    failures: list[BaseException] = []
    start = threading.Barrier(2)

    def worker():
        try:
            with app.app_context():
                start.wait()
                summaries.append(poll_mailboxes(gateway=gateway))
                db.session.remove()
        except BaseException as exc:  # reported below, not lost in the thread
            failures.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert failures == []
    assert len(summaries) == 2, summaries
    assert len(gateway.requests) == 6
    assert sorted(r.subject for r in gateway.requests.values()) == [
        f"Question {n}" for n in range(6)
    ]
    assert len(rows()) == 6
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 6
    assert imap_server.messages(mailbox) == []
    assert len(imap_server.messages(mailbox, "Processed")) == 6


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (
            b"Subject: no sender\r\nMessage-ID: <nosender@example.test>\r\n\r\nWho am I?\r\n",
            "It has no From line, so we cannot tell who sent it.",
        ),
        (
            b"From: someone without an address\r\nSubject: x\r\n\r\nbody\r\n",
            "We could not read a sender's email address from its From line",
        ),
        (
            b"From: ada@example.test\r\nSubject: broken\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed\r\n\r\nno boundary anywhere\r\n",
            "Its parts could not be separated",
        ),
    ],
)
def test_an_unreadable_message_is_set_aside_for_staff_with_the_reason(
    app, imap_server, mailbox, gateway, raw, reason
):
    imap_server.append(mailbox, raw, TUESDAY_1030)

    assert poll_mailboxes(gateway=gateway) == "enquiries: 1 set aside"

    assert gateway.requests == {}
    [row] = rows()
    assert row.status == "set_aside"
    assert row.reason.startswith(reason)
    assert row.received_at == TUESDAY_1030
    assert imap_server.messages(mailbox) == []
    assert imap_server.messages(mailbox, "Needs attention") == [raw]
    # Set aside once: a second copy is recognised and joins it in the staff folder.
    imap_server.append(mailbox, raw, TUESDAY_1030)
    assert poll_mailboxes(gateway=gateway) == "enquiries: 1 already taken"
    assert len(imap_server.messages(mailbox, "Needs attention")) == 2
    assert len(rows()) == 1


def test_a_message_over_the_size_limit_is_set_aside_without_downloading_it(
    app, imap_server, mailbox, gateway
):
    app.config["INBOUND_MAX_MESSAGE_BYTES"] = 2048
    imap_server.append(mailbox, build(body="x" * 5000), TUESDAY_1030)

    assert poll_mailboxes(gateway=gateway) == "enquiries: 1 set aside"

    [row] = rows()
    assert row.reason.startswith("It is too large to read here")
    assert (row.sender_email, row.subject) == ("ada@example.test", "Question about my membership")
    assert len(imap_server.messages(mailbox, "Needs attention")) == 1


def test_attachments_of_refused_types_are_not_kept_and_staff_are_told(
    app, imap_server, mailbox, gateway
):
    app.config["INBOUND_MAX_ATTACHMENT_BYTES"] = 1024 * 1024  # 10 MB by default; quicker here
    raw = build(
        attachments=[
            ("photo.png", "image/png", PNG),
            ("invoice.pdf", "application/pdf", EXE),  # claims PDF, is a program
            ("run-me.exe", "application/x-msdownload", EXE),
            ("big.pdf", "application/pdf", PDF + b"0" * (1024 * 1024)),
        ]
    )
    imap_server.append(mailbox, raw, TUESDAY_1030)

    assert poll_mailboxes(gateway=gateway) == "enquiries: 1 new requests"

    [request] = gateway.requests.values()
    assert [(a.filename, a.content_type) for a in request.attachments] == [
        ("photo.png", "image/png")
    ]
    assert request.notes == [
        "Sender verified: DMARC passed for example.test.",
        "invoice.pdf (application/pdf, 1 KB) was not kept: we accept PDF, PNG, JPEG and "
        "Word (.docx) files only.",
        "run-me.exe (application/x-msdownload, 1 KB) was not kept: we accept PDF, PNG, JPEG "
        "and Word (.docx) files only.",
        "big.pdf (1.0 MB) was not kept: files can be at most 1.0 MB.",
    ]
    assert rows()[0].reason.splitlines()[:4] == request.notes


def test_html_only_mail_becomes_safe_text(app, imap_server, mailbox, gateway):
    html = (
        "<html><head><style>p { color: red }</style><title>Hi</title></head><body>"
        "<p>Hello,</p><p>Please see <a href='https://example.test/form?a=1&amp;b=2'>this form"
        "</a>.<br>Thanks<script>alert('x')</script></p>"
        "<p onclick='steal()'>&lt;b&gt;not bold&lt;/b&gt;</p></body></html>"
    )
    imap_server.append(mailbox, build(body=None, html=html), TUESDAY_1030)

    poll_mailboxes(gateway=gateway)

    [request] = gateway.requests.values()
    assert request.body == (
        "Hello,\n\nPlease see this form (https://example.test/form?a=1&b=2).\nThanks\n\n"
        "<b>not bold</b>"
    )
    assert "alert" not in request.body and "color" not in request.body
    assert "its HTML was turned into text" in request.notes[-1]


def test_each_mailbox_opens_its_kind_and_a_broken_one_does_not_stop_the_rest(
    app, imap_server, gateway
):
    enquiries, feedback = imap_server.new_account(), imap_server.new_account()
    app.config["INBOUND_MAILBOXES"] = [
        mailbox_config(imap_server, enquiries, password="wrong"),
        mailbox_config(imap_server, feedback, name="feedback", kind="feedback"),
    ]
    imap_server.append(enquiries, build(), TUESDAY_1030)
    imap_server.append(feedback, build(subject="I liked the event"), TUESDAY_1030)

    summary = poll_mailboxes(gateway=gateway)

    assert summary.startswith("enquiries: could not be read (login as box")
    assert PASSWORD not in summary and "wrong" not in summary
    assert summary.endswith("; feedback: 1 new requests")
    [request] = gateway.requests.values()
    assert (request.kind, request.reference) == ("feedback", "F-2025-000001")


def test_servers_without_move_get_copy_and_expunge(
    app, imap_server, mailbox, gateway, monkeypatch
):
    original = ImapMailbox.__init__

    def without_move(self, conn, box):
        original(self, conn, box)
        self.capabilities.discard("MOVE")

    monkeypatch.setattr(ImapMailbox, "__init__", without_move)
    imap_server.append(mailbox, build(), TUESDAY_1030)

    assert poll_mailboxes(gateway=gateway) == "enquiries: 1 new requests"

    assert imap_server.messages(mailbox) == []
    assert len(imap_server.messages(mailbox, "Processed")) == 1


def test_without_a_gateway_the_mailboxes_are_left_alone(app, imap_server, mailbox):
    app.config["INBOUND_GATEWAY"] = ""  # the portal's own gateway is the default
    imap_server.append(mailbox, build(), TUESDAY_1030)

    summary = poll_mailboxes()

    assert summary.startswith("inbound email is not connected to requests")
    assert len(imap_server.messages(mailbox)) == 1
    assert rows() == []


def test_the_gateway_can_be_named_in_settings(app, imap_server, mailbox, runner):
    app.config["INBOUND_GATEWAY"] = "tests.inbound.fakes:FakeGateway"
    imap_server.append(mailbox, build(), TUESDAY_1030)

    result = runner.invoke(args=["inbound", "poll"])

    assert result.exit_code == 0, result.output
    assert result.output == "enquiries: 1 new requests\n"
    [row] = rows()
    assert (row.status, row.request_id, row.is_acknowledged) == ("taken", 1, True)


def test_flask_inbound_check_logs_in_and_counts_without_changing_anything(
    app, imap_server, mailbox, runner
):
    imap_server.append(mailbox, build(), TUESDAY_1030)
    result = runner.invoke(args=["inbound", "check"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"enquiries: {mailbox} on 127.0.0.1:{imap_server.port} (none), INBOX: 1 waiting; "
        "opens query requests\n"
    )
    assert len(imap_server.messages(mailbox)) == 1

    app.config["INBOUND_MAILBOXES"][0]["password"] = "wrong"
    result = runner.invoke(args=["inbound", "check"])
    assert result.exit_code == 1
    assert f"enquiries: cannot read INBOX on 127.0.0.1: login as {mailbox} refused" in (
        result.output
    )


def test_flask_inbound_recent_lists_what_became_of_each_message(
    app, imap_server, mailbox, gateway, runner
):
    imap_server.append(mailbox, build(), TUESDAY_1030)
    imap_server.append(mailbox, b"Subject: who?\r\n\r\nbody\r\n", TUESDAY_1030)
    poll_mailboxes(gateway=gateway)

    result = runner.invoke(args=["inbound", "recent", "--status", "set_aside"])

    assert result.exit_code == 0, result.output
    assert result.output == (
        "2 set_aside [enquiries] 10:30am on Tuesday 25 November 2025 from unknown sender: who?\n"
        "    It has no From line, so we cannot tell who sent it.\n"
    )
    everything = runner.invoke(args=["inbound", "recent"]).output
    assert "1 taken request 1 [enquiries]" in everything


def test_a_message_the_requests_area_cannot_take_is_set_aside_not_retried_for_ever(
    app, imap_server, mailbox, gateway, monkeypatch
):
    def refuse(**fields):
        raise RuntimeError("requests area refused it")

    monkeypatch.setattr(gateway, "create_from_email", refuse)
    imap_server.append(mailbox, build(), TUESDAY_1030)
    imap_server.append(mailbox, build(subject="Second"), TUESDAY_1030)

    assert poll_mailboxes(gateway=gateway) == "enquiries: 2 set aside"

    [first, second] = rows()
    assert (first.status, first.sender_email, first.request_id) == (
        "set_aside",
        "ada@example.test",
        None,
    )
    assert first.reason == (
        "It could not be made into a request (RuntimeError); please log it by hand."
    )
    assert second.subject == "Second"
    assert len(imap_server.messages(mailbox, "Needs attention")) == 2
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
