"""Nobody can use the contact forms to flood a stranger (issue #14, finding 4): posts are
limited per client address and per address emailed, and an address nobody has proved is
theirs is acknowledged without a word of what was typed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.requests.models import ServiceRequest

pytestmark = pytest.mark.asvs(chapter="V2")

VICTIM = "victim@example.test"


def _form(n: int, email: str = VICTIM) -> dict:
    return {
        "full_name": "<b>Mallory</b>",
        "email": email,
        "contact_phone": "",
        "subject": f"You owe us money, call 0900 000 {n:03d}",
        "body": f"Pay now at evil.example/{n}",
        "submission_key": f"k{n:03d}".ljust(22, "x"),
    }


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_forty_posts_to_one_address_send_at_most_five_emails(app, client):
    statuses = [
        client.post(
            "/contact/question",
            data=_form(n),
            environ_overrides={"REMOTE_ADDR": f"198.51.100.{n + 1}"},  # many client addresses
        ).status_code
        for n in range(40)
    ]
    assert statuses.count(302) == 5 and statuses.count(429) == 35, statuses
    assert _count(OutboxMessage, OutboxMessage.to_address == VICTIM) == 5
    assert _count(ServiceRequest) == 5


def test_one_client_address_is_limited_whoever_it_emails(app, client):
    statuses = [
        client.post("/contact/question", data=_form(n, f"person{n}@example.test")).status_code
        for n in range(8)
    ]
    assert statuses[:5] == [302] * 5 and set(statuses[5:]) == {429}, statuses


def test_the_acknowledgement_to_an_unproved_address_quotes_nothing_typed(app, client):
    assert client.post("/contact/question", data=_form(1)).status_code == 302
    [message] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == VICTIM)
    ).all()
    for typed in ("Mallory", "0900 000", "evil.example", "owe us"):
        assert typed not in message.subject
        assert typed not in message.body_text and typed not in message.body_html
    assert "that gave this email address for our reply" in message.body_text
    assert "/r/" in message.body_text  # the private link still reaches the real sender


def test_a_member_is_still_thanked_by_name_for_their_subject(app, signed_in_as):
    client, member = signed_in_as("member")
    response = client.post("/member/requests/new/complaint", data={
        "subject": "My renewal date", "body": "When is it?", "outcome": "Tell me.",
        "submission_key": "m" * 22,
    })
    assert response.status_code == 302
    [message] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == member.email)
    ).all()
    assert "My renewal date" in message.body_text
    assert member.full_name.split()[0] in message.body_text
