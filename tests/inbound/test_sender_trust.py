"""Inbound email decides who sent a message from our mail server's verdict, not its From line
(issue #14, finding 1): a forged sender never speaks inside a member's account or case."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.inbound.mailboxes import Mailbox
from portal.inbound.parse import parse_message
from portal.inbound.services import take_message
from portal.inbound.trust import sender_verdict
from portal.notify.services import message_id_for, reply_address, request_id_for_reply_address
from portal.requests import services
from portal.requests.inbound_gateway import PortalRequestGateway
from portal.requests.models import ServiceRequest
from tests.factories import make_user
from tests.inbound.mail import TRUSTED_SERVER, build

pytestmark = pytest.mark.asvs(chapter="V6")

TUESDAY_1030 = datetime(2025, 11, 25, 10, 30, tzinfo=UTC)
BOX = Mailbox(
    name="enquiries", host="127.0.0.1", port=143, username="u", password="p", kind="query"
)


def _take(raw: bytes):
    return take_message(
        parse_message(raw, TUESDAY_1030), BOX, PortalRequestGateway(), now=TUESDAY_1030
    )


def _waiting_request_of(member) -> ServiceRequest:
    staff = make_user("staff")
    made = services.submit_request(
        "complaint",
        subject="Late certificate",
        body="Still waiting.",
        requester=member,
        received_at=datetime(2025, 11, 17, 10, tzinfo=UTC),
    ).request
    services.staff_reply(made, staff, "Sorry. We will fix it.", resolution_date=date(2026, 12, 18))
    services.wait_for_customer(made, staff, "Which address should we post it to?")
    db.session.commit()
    return made


def test_a_forged_reply_never_joins_a_members_request_nor_resumes_its_clock(app):
    member = make_user("member", email="ada@example.test", full_name="Ada Lovelace")
    made = _waiting_request_of(member)
    forged = build(
        sender="Ada Lovelace <ada@example.test>",
        to=reply_address(made.id),  # even with our token: the sender is not verified
        subject=f"Re: {made.reference}",
        body="Please send everything to mallory@example.test",
        verified=False,
    )
    outcome = _take(forged)
    db.session.commit()
    db.session.expire_all()

    assert outcome.status == "taken" and outcome.request_id != made.id
    original = db.session.get(ServiceRequest, made.id)
    assert original.status == "waiting_customer"
    assert not any(e.kind == "customer_reply" for e in original.events)
    new = db.session.get(ServiceRequest, outcome.request_id)
    assert new.requester_id is None
    assert new.details == {"email_sender": "not verified"}
    notes = [e.body for e in new.events if e.is_internal]
    assert notes[0].startswith("Sender not verified:")
    assert any("could not be verified" in n and made.reference in n for n in notes)


def test_a_forged_new_email_stays_out_of_the_members_account(app, client, sign_in):
    member = make_user("member", email="ada@example.test", full_name="Ada Lovelace")
    db.session.commit()
    outcome = _take(build(subject="Cancel my membership", verified=False))
    db.session.commit()

    assert db.session.get(ServiceRequest, outcome.request_id).requester_id is None
    sign_in(client, member)
    assert "Cancel my membership" not in client.get("/member/").get_data(as_text=True)


def test_a_verified_reply_to_the_reply_address_resumes_the_request(app):
    member = make_user("member", email="ada@example.test", full_name="Ada Lovelace")
    made = _waiting_request_of(member)
    _take(build(to=reply_address(made.id), subject="Re: your question", body="1 High Street"))
    db.session.commit()
    db.session.expire_all()
    request = db.session.get(ServiceRequest, made.id)
    assert request.status == "with_team"
    notes = [e.body for e in request.events if e.is_internal]
    assert "Sender verified: DMARC passed for example.test." in notes


def test_a_verified_sender_naming_only_a_reference_opens_a_new_request(app):
    member = make_user("member", email="ada@example.test", full_name="Ada Lovelace")
    made = _waiting_request_of(member)
    outcome = _take(build(subject=f"Re: {made.reference}", body="Any news?"))
    db.session.commit()
    assert outcome.request_id != made.id
    assert db.session.get(ServiceRequest, made.id).status == "waiting_customer"
    assert db.session.get(ServiceRequest, outcome.request_id).requester_id == member.id


def test_staff_see_that_a_sender_was_not_verified(app, signed_in_as):
    outcome = _take(build(subject="Hello", verified=False))
    db.session.commit()
    client, _ = signed_in_as("staff")
    reference = db.session.get(ServiceRequest, outcome.request_id).reference
    page = client.get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert "Sender not verified" in page


def _ar(results: str, server: str = TRUSTED_SERVER) -> str:
    return f"{server}; {results}"


@pytest.mark.parametrize(
    ("headers", "verified"),
    [
        ([_ar("dmarc=pass header.from=example.test")], True),
        ([_ar("dkim=pass header.d=example.test header.s=s1")], True),
        ([_ar("dkim=pass header.d=mail.example.test")], True),
        ([_ar("spf=pass smtp.mailfrom=bounce@example.test")], True),
        ([_ar("dmarc=fail header.from=example.test; dkim=pass header.d=evil.test")], False),
        ([_ar("spf=pass smtp.mailfrom=evil.test")], False),
        ([_ar("dmarc=pass header.from=evil.test")], False),
        ([_ar("dmarc=pass header.from=example.test", server="mx.evil.test")], False),
        # Ours on top says fail; a forged pass further down came with the message.
        (
            [
                _ar("dmarc=fail header.from=example.test"),
                _ar("dmarc=pass header.from=example.test"),
            ],
            False,
        ),
        ([], False),
    ],
)
def test_only_our_servers_topmost_verdict_counts(headers, verified):
    verdict = sender_verdict(headers, "ada@example.test", {TRUSTED_SERVER})
    assert verdict.is_verified is verified


def test_nobody_is_verified_until_a_server_is_trusted():
    header = [_ar("dmarc=pass header.from=example.test")]
    assert not sender_verdict(header, "ada@example.test", set()).is_verified


def test_our_threading_tokens_cannot_be_worked_out(app):
    key = "inbound-ack:12"
    assert hashlib.sha256(key.encode()).hexdigest()[:40] not in message_id_for(key)
    address = reply_address(42)
    assert request_id_for_reply_address(address) == 42
    local, _, domain = address.partition("@")
    tampered = local[:-1] + ("0" if local[-1] != "0" else "1") + "@" + domain
    assert request_id_for_reply_address(tampered) is None
    assert request_id_for_reply_address(address.replace("r42.", "r43.")) is None
    assert db.session.scalar(select(ServiceRequest.id)) is None
