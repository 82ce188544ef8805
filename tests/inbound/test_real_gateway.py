"""Inbound email through the real requests area: emails become requests on the charter
clock, and a customer's emailed reply resumes a request that was waiting for them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from portal.extensions import db
from portal.inbound.job import poll_mailboxes
from portal.notify.services import reply_address
from portal.requests import services
from portal.requests.inbound_gateway import PortalRequestGateway
from portal.requests.models import ServiceRequest
from tests.factories import make_user
from tests.inbound.mail import EXE, PDF, build

SATURDAY_1100 = datetime(2025, 11, 22, 11, 0, tzinfo=UTC)
TUESDAY_1030 = datetime(2025, 11, 25, 10, 30, tzinfo=UTC)


def _requests() -> list[ServiceRequest]:
    db.session.expire_all()
    return list(db.session.scalars(select(ServiceRequest).order_by(ServiceRequest.id)))


def test_an_email_becomes_a_request_for_the_person_we_know(app, imap_server, mailbox):
    member = make_user("member", email="ada@example.test", full_name="Ada Lovelace")
    db.session.commit()
    raw = build(
        attachments=[
            ("renewal.pdf", "application/pdf", PDF),
            ("run-me.pdf", "application/pdf", EXE),
        ]
    )
    imap_server.append(mailbox, raw, SATURDAY_1100)
    summary = poll_mailboxes(gateway=PortalRequestGateway())
    assert "1 new" in summary
    [request] = _requests()
    assert request.channel == "email"
    assert request.kind == "query"
    assert request.requester_id == member.id
    assert request.received_at == SATURDAY_1100
    assert request.clock_started_at == datetime(2025, 11, 24, 9, tzinfo=UTC)  # Monday 09:00
    assert request.response_due_at == datetime(2025, 11, 27, 17, tzinfo=UTC)
    assert [a.original_name for a in request.attachments] == ["renewal.pdf"]
    notes = [e.body for e in request.events if e.is_internal]
    assert any("run-me.pdf" in note and "not kept" in note for note in notes)


def test_a_reply_to_the_reply_address_resumes_the_request(app, imap_server, mailbox):
    staff = make_user("staff")
    made = services.submit_request(
        "complaint",
        subject="Late certificate",
        body="Still waiting.",
        name="Ada Lovelace",
        email="ada@example.test",
        received_at=datetime(2025, 11, 17, 10, tzinfo=UTC),
    ).request
    services.staff_reply(made, staff, "Sorry. We will fix it.", resolution_date=date(2026, 12, 18))
    services.wait_for_customer(made, staff, "Which address should we post it to?")
    db.session.commit()
    assert made.status == "waiting_customer"
    raw = build(
        to=reply_address(made.id),
        subject=f"Re: Late certificate [{made.reference}]",
        body="Please post it to 1 High Street.",
    )
    imap_server.append(mailbox, raw, TUESDAY_1030)
    poll_mailboxes(gateway=PortalRequestGateway())
    [request] = _requests()
    assert request.status == "with_team"
    replies = [e for e in request.events if e.kind == "customer_reply"]
    assert replies and "1 High Street" in replies[-1].body


def test_a_reply_to_our_acknowledgement_threads_by_its_headers(app, imap_server, mailbox):
    from portal.notify.models import OutboxMessage

    imap_server.append(mailbox, build(), TUESDAY_1030)
    poll_mailboxes(gateway=PortalRequestGateway())
    [request] = _requests()
    ack = db.session.scalar(select(OutboxMessage).where(OutboxMessage.request_id == request.id))
    assert ack.headers["Auto-Submitted"] == "auto-replied"
    reply = build(
        subject="Re: We have your email",
        body="One more thing.",
        headers={"In-Reply-To": ack.message_id, "References": ack.message_id},
        message_id="<second@example.test>",
    )
    imap_server.append(mailbox, reply, TUESDAY_1030)
    poll_mailboxes(gateway=PortalRequestGateway())
    [request] = _requests()
    assert [e.body for e in request.events if e.kind == "customer_reply"] == ["One more thing."]
