"""The demo provider: the whole journey without money, through the same signed-webhook path,
and never offered where it is not allowed (production)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.payments.models import Payment


def test_a_member_renews_on_the_demo_provider(signed_in_as):
    client, user = signed_in_as("member")
    renewal = date.today() + timedelta(days=10)
    user.membership.renewal_date = renewal
    db.session.commit()
    page = client.get("/member/renew").get_data(as_text=True)
    assert "Demo payment (no money is taken)" in page and "£95.00" in page
    response = client.post(
        "/member/renew", data={"provider": "demo", "confirm": "y", "submission_key": "d" * 20}
    )
    demo_page = response.headers["Location"]
    assert demo_page.startswith("/payments/demo/demo_")
    assert "no money is taken" in client.get(demo_page).get_data(as_text=True)
    done = client.post(demo_page, data={"action": "pay"})
    status = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Payment received: thank you" in status
    db.session.expire_all()
    assert user.membership.renewal_date == renewal.replace(year=renewal.year + 1)
    dashboard = client.get("/member/membership").get_data(as_text=True)
    payment = db.session.scalars(select(Payment)).one()
    assert payment.reference in dashboard


def test_an_incomplete_renew_form_says_what_is_missing_and_keeps_the_choice(signed_in_as):
    client, _ = signed_in_as("member")
    response = client.post("/member/renew", data={"provider": "demo", "submission_key": "e" * 20})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Confirm that your details are right." in page
    assert re.search(r'<input checked[^>]*value="demo"', page)


def test_another_members_demo_page_is_not_found(signed_in_as):
    client, _ = signed_in_as("member")
    client.post(
        "/member/renew", data={"provider": "demo", "confirm": "y", "submission_key": "f" * 20}
    )
    session_id = db.session.scalars(select(Payment.session_id)).one()
    other, _ = signed_in_as("member")
    assert other.get(f"/payments/demo/{session_id}").status_code == 404
    assert other.post(f"/payments/demo/{session_id}", data={"action": "pay"}).status_code == 404


def test_the_demo_provider_is_never_offered_where_it_is_not_allowed(app, signed_in_as, client):
    app.config["PAYMENTS_DEMO_ALLOWED"] = False
    member_client, user = signed_in_as("member")
    user.membership.renewal_date = date.today() + timedelta(days=10)
    db.session.commit()
    page = member_client.get("/member/renew").get_data(as_text=True)
    assert "Demo payment" not in page
    refused = member_client.post(
        "/member/renew", data={"provider": "demo", "confirm": "y", "submission_key": "g" * 20}
    )
    assert refused.status_code in (409, 422)
    assert client.post("/payments/webhooks/demo", data=b"{}").status_code == 404


def test_a_lapsed_member_rejoins_for_a_year_from_the_day_paid(signed_in_as):
    client, user = signed_in_as("member")
    user.membership.status = "lapsed"
    user.membership.renewal_date = date.today() - timedelta(days=90)
    db.session.commit()
    assert "<h1>Rejoin</h1>" in client.get("/member/renew").get_data(as_text=True)
    response = client.post(
        "/member/renew", data={"provider": "demo", "confirm": "y", "submission_key": "h" * 20}
    )
    client.post(response.headers["Location"], data={"action": "pay"})
    db.session.expire_all()
    assert user.membership.status == "active"
    from portal.clock import london_today
    from portal.payments.services import add_year

    assert user.membership.renewal_date == add_year(london_today())
    assert db.session.scalars(select(Payment.outcome)).one() == "rejoined"


def test_cancelling_on_the_demo_page_changes_nothing(signed_in_as):
    client, user = signed_in_as("member")
    before = user.membership.renewal_date
    response = client.post(
        "/member/renew", data={"provider": "demo", "confirm": "y", "submission_key": "i" * 20}
    )
    done = client.post(response.headers["Location"], data={"action": "cancel"})
    assert "Payment cancelled" in client.get(done.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert user.membership.renewal_date == before


def test_the_reminders_renew_link_signs_a_member_in_and_comes_back(app, make_user):
    user = make_user("member", email="back@example.test")
    db.session.commit()
    client = app.test_client()
    response = client.get("/member/renew")
    assert response.status_code == 302 and "/account/sign-in" in response.headers["Location"]
    form = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/member/renew"' in form
    signed = client.post(
        "/account/sign-in",
        data={"email": user.email, "password": "correct-horse-battery", "next": "/member/renew"},
    )
    assert signed.headers["Location"].endswith("/member/renew")


def test_a_used_form_sent_again_shows_that_payment_not_a_dead_payment_page(signed_in_as):
    client, _ = signed_in_as("member")
    form = {"provider": "demo", "confirm": "y", "submission_key": "j" * 20}
    first = client.post("/member/renew", data=form)
    client.post(first.headers["Location"], data={"action": "cancel"})
    again = client.post("/member/renew", data=form)  # the browser's Back, then send again
    assert again.headers["Location"].startswith("/member/payments/")
    # A form without a usable key still works, as a payment of its own.
    fresh = client.post("/member/renew", data={**form, "submission_key": ""})
    assert fresh.headers["Location"].startswith("/payments/demo/")
    assert fresh.headers["Location"] != first.headers["Location"]
