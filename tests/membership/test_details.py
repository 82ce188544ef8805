"""My details: name, address and phone change at once; a new email only once confirmed from
the new address, with the old one told; every request made, searchable."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.requests.models import Kind
from portal.requests.services import submit_request
from tests.factories import PASSWORD


def test_a_member_changes_name_address_and_phone(signed_in_as):
    client, user = signed_in_as("member", full_name="Priya Sharma")
    response = client.post(
        "/member/details",
        data={
            "full_name": " Priya Shah ",
            "postal_address": "1 High Street\nLeeds LS1 1AA",
            "phone": "07700 900123",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (user.full_name, user.postal_address) == ("Priya Shah", "1 High Street\nLeeds LS1 1AA")
    assert user.phone


def test_bad_details_come_back_with_what_was_typed(signed_in_as):
    client, _ = signed_in_as("member")
    response = client.post(
        "/member/details",
        data={"full_name": "", "postal_address": "Flat 2", "phone": "not a phone"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter your name." in page and "Flat 2" in page


def _link(to: str) -> str:
    body = db.session.scalar(select(OutboxMessage.body_text).where(OutboxMessage.to_address == to))
    return re.search(r"http://localhost(/member/details/email/\S+)", body).group(1)


def test_a_new_email_takes_effect_only_when_confirmed_and_the_old_one_is_told(signed_in_as):
    client, user = signed_in_as("member")
    old = user.email
    wrong = client.post(
        "/member/details/email", data={"new_email": "new@example.test", "password": "nope"}
    )
    assert wrong.status_code == 422 and "That password is not right." in wrong.get_data(True)
    client.post(
        "/member/details/email", data={"new_email": "New@Example.test", "password": PASSWORD}
    )
    db.session.expire_all()
    assert user.email == old  # not yet
    assert "waiting for you to open the link" in client.get("/member/details").get_data(True)
    link = _link("new@example.test")
    other, _ = signed_in_as("member")
    assert other.get(link).status_code == 404  # someone else's link does nothing
    assert client.get(link).status_code == 302
    db.session.expire_all()
    assert user.email == "new@example.test"
    told = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == old))
    assert "has been changed to new@example.test" in told.body_text
    assert client.get(link).status_code == 404  # used once


def test_an_address_already_in_use_is_not_revealed(signed_in_as, make_user):
    client, user = signed_in_as("member")
    taken = make_user("member", email="taken@example.test")
    db.session.commit()
    response = client.post(
        "/member/details/email", data={"new_email": "taken@example.test", "password": PASSWORD}
    )
    assert response.status_code == 302  # the same answer as for a free address
    db.session.expire_all()
    assert user.email != "taken@example.test"
    note = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == taken.email))
    assert "already have one" in note.body_text


def test_every_request_open_or_closed_searchable(signed_in_as):
    client, user = signed_in_as("member")
    first = submit_request(
        Kind.QUERY, subject="Lost certificate", body="Where is it?", requester=user
    )
    second = submit_request(
        Kind.QUERY, subject="Invoice copy", body="Please resend 100%", requester=user
    )
    first, second = first.request, second.request
    second.status = "closed"
    db.session.commit()
    page = client.get("/member/my-requests").get_data(as_text=True)
    assert first.reference in page and second.reference in page
    page = client.get("/member/my-requests?q=certificate").get_data(as_text=True)
    assert first.reference in page and second.reference not in page
    page = client.get("/member/my-requests?state=closed").get_data(as_text=True)
    assert second.reference in page and first.reference not in page
    page = client.get("/member/my-requests?q=100%25").get_data(as_text=True)
    assert second.reference in page and first.reference not in page
    assert client.get(f"/member/my-requests?q={first.reference}").status_code == 200
    assert client.get("/member/my-requests?state=bogus").status_code == 404
    # An out-of-range page number shows the first page (bounded like every query number).
    assert first.reference in client.get("/member/my-requests?page=0").get_data(as_text=True)


def test_the_address_is_in_the_data_export_and_goes_on_erasure(signed_in_as):
    from portal.privacy.registry import ERASERS, EXPORTERS

    client, user = signed_in_as("member")
    user.postal_address = "1 High Street"
    db.session.commit()
    client.post("/member/details/email", data={"new_email": "n@example.test", "password": PASSWORD})
    db.session.expire_all()
    rows = EXPORTERS["membership-details"](user).rows
    assert rows["postal_address"] == "1 High Street"
    assert rows["email_changes"][0]["new_email"] == "n@example.test"
    ERASERS["membership-details"](user)
    assert user.postal_address == ""
    assert EXPORTERS["membership-details"](user).rows["email_changes"] == []


def test_asking_to_change_email_is_rate_limited(app, signed_in_as):
    app.config["EMAIL_RATE_LIMIT"] = "2 per hour"
    client, _ = signed_in_as("member")
    codes = [
        client.post(
            "/member/details/email", data={"new_email": f"n{n}@example.test", "password": "x"}
        ).status_code
        for n in range(3)
    ]
    assert codes == [422, 422, 429]
