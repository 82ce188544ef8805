"""Renewing through Stripe Checkout and GoCardless: the real libraries against a local
stand-in for the providers' APIs, and webhook bodies signed as the providers sign them.
Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import logging
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.membership.renewals import queue_renewal_reminders, renewal_key
from portal.notify.models import OutboxMessage
from portal.payments.models import Payment, PaymentEvent
from tests.payments.standin import (
    gocardless_body,
    gocardless_event,
    gocardless_signature,
    stripe_event,
    stripe_signature,
)

RENEWAL = date.today() + timedelta(days=20)
KEY = "k" * 20


def _member(signed_in_as, renewal: date = RENEWAL):
    client, user = signed_in_as("member", full_name="Priya Sharma")
    user.membership.renewal_date = renewal
    db.session.commit()
    return client, user


def _start(client, provider: str = "stripe", key: str = KEY):
    return client.post(
        "/member/renew", data={"provider": provider, "confirm": "y", "submission_key": key}
    )


def _stripe_webhook(client, event_type: str, payment: Payment, event_id=None, **session):
    body = stripe_event(
        event_type,
        {
            "id": payment.session_id,
            "client_reference_id": str(payment.id),
            "payment_intent": f"pi_{payment.id}",
            "payment_status": "paid",
            **session,
        },
        event_id,
    )
    return client.post(
        "/payments/webhooks/stripe",
        data=body,
        headers={"Stripe-Signature": stripe_signature(body), "Content-Type": "application/json"},
    )


def _gocardless_webhook(client, *events, signature=None):
    body = gocardless_body(*events)
    return client.post(
        "/payments/webhooks/gocardless",
        data=body,
        headers={
            "Webhook-Signature": signature or gocardless_signature(body),
            "Content-Type": "application/json",
        },
    )


def _only_payment() -> Payment:
    db.session.expire_all()
    return db.session.scalars(select(Payment)).one()


def _emails(like: str) -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.key.like(like))).all()


def test_stripe_renewal_moves_the_date_a_year_from_the_old_one_and_emails_a_receipt(
    signed_in_as, client, standin
):
    member_client, user = _member(signed_in_as)
    response = _start(member_client)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("https://checkout.stripe.test/c/pay/")
    [(_, _, sent, headers)] = standin.calls_to("/v1/checkout/sessions")
    assert sent["line_items[0][price_data][unit_amount]"] == "9500"
    assert sent["mode"] == "payment" and sent["customer_email"] == user.email
    payment = _only_payment()
    assert sent["client_reference_id"] == str(payment.id)
    assert headers["Idempotency-Key"] == f"checkout-{payment.id}"
    assert payment.status == "started"
    db.session.refresh(user.membership)
    assert user.membership.renewal_date == RENEWAL  # not before the signed webhook

    assert _stripe_webhook(client, "checkout.session.completed", payment).status_code == 200

    payment = _only_payment()
    assert (payment.status, payment.outcome) == ("paid", "renewed")
    assert user.membership.renewal_date == RENEWAL.replace(year=RENEWAL.year + 1)
    [receipt] = _emails("payment-receipt:%")
    assert receipt.to_address == user.email
    assert "£95.00" in receipt.body_text and payment.reference in receipt.body_text
    assert "now runs until" in receipt.body_text
    # The next reminder is armed for the new date.
    new_date = user.membership.renewal_date
    from datetime import UTC, datetime

    as_of = datetime.combine(new_date - timedelta(days=28), datetime.min.time(), UTC)
    assert queue_renewal_reminders(as_of.replace(hour=9)) == 1
    assert _emails(renewal_key(user.membership.id, new_date))


def test_a_webhook_delivered_twice_renews_once(signed_in_as, client):
    member_client, user = _member(signed_in_as)
    _start(member_client)
    payment = _only_payment()
    for _ in range(2):
        assert _stripe_webhook(client, "checkout.session.completed", payment).status_code == 200
    db.session.expire_all()
    assert user.membership.renewal_date == RENEWAL.replace(year=RENEWAL.year + 1)
    assert len(_emails("payment-receipt:%")) == 1
    assert db.session.scalar(select(func.count()).select_from(PaymentEvent)) == 1


def test_events_out_of_order_never_undo_a_payment(signed_in_as, client):
    member_client, user = _member(signed_in_as)
    _start(member_client)
    payment = _only_payment()
    # Bank transfer style: the success arrives before the "completed, unpaid" event.
    _stripe_webhook(client, "checkout.session.async_payment_succeeded", payment)
    _stripe_webhook(client, "checkout.session.completed", payment, payment_status="unpaid")
    _stripe_webhook(client, "checkout.session.expired", payment)
    payment = _only_payment()
    assert (payment.status, payment.outcome) == ("paid", "renewed")
    assert user.membership.renewal_date == RENEWAL.replace(year=RENEWAL.year + 1)


def test_a_double_click_makes_one_payment_session(signed_in_as, standin):
    member_client, _ = _member(signed_in_as)
    first, second = _start(member_client), _start(member_client)
    assert first.headers["Location"] == second.headers["Location"]
    assert len(standin.calls_to("/v1/checkout/sessions")) == 1
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1
    # Even a fresh form (another tab) reuses the open session.
    third = _start(member_client, key="t" * 20)
    assert third.headers["Location"] == first.headers["Location"]


def test_a_bad_signature_is_refused_logged_and_changes_nothing(signed_in_as, client, caplog):
    member_client, user = _member(signed_in_as)
    _start(member_client)
    payment = _only_payment()
    body = stripe_event(
        "checkout.session.completed", {"id": payment.session_id, "payment_status": "paid"}
    )
    with caplog.at_level(logging.WARNING):
        response = client.post(
            "/payments/webhooks/stripe",
            data=body,
            headers={"Stripe-Signature": stripe_signature(body, secret="whsec_wrong")},
        )
        unsigned = client.post("/payments/webhooks/stripe", data=body)
    assert (response.status_code, unsigned.status_code) == (400, 400)
    assert "bad signature" in caplog.text
    db.session.expire_all()
    assert _only_payment().status == "started"
    assert user.membership.renewal_date == RENEWAL
    refused = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "payment.webhook_refused")
    ).all()
    assert len(refused) == 2
    assert db.session.scalar(select(func.count()).select_from(PaymentEvent)) == 0


def test_the_provider_down_leaves_a_clear_message_and_the_renewal_unchanged(app, signed_in_as):
    app.config["STRIPE_API_BASE"] = "http://127.0.0.1:9"  # nothing listens there
    member_client, user = _member(signed_in_as)
    response = _start(member_client)
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "We could not reach the payment service" in page
    assert "Nothing has been charged and your membership is unchanged" in page
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 0
    assert user.membership.renewal_date == RENEWAL


def test_a_payment_for_a_member_who_lapsed_meanwhile_is_kept_for_staff(
    signed_in_as, client, staff_client
):
    member_client, user = _member(signed_in_as)
    _start(member_client)
    payment = _only_payment()
    user.membership.status = "lapsed"
    db.session.commit()
    _stripe_webhook(client, "checkout.session.completed", payment)
    payment = _only_payment()
    assert (payment.status, payment.outcome) == ("paid", "needs-review")
    assert "lapsed" in payment.review_reason
    assert user.membership.renewal_date == RENEWAL
    assert _emails("payment-staff:%") and _emails("payment-receipt:%")
    page = staff_client.get("/staff/payments").get_data(as_text=True)
    assert payment.reference in page and "lapsed" in page
    staff_client.post(f"/staff/payments/{payment.id}/resolve", data={"note": "Rejoined by hand"})
    assert _only_payment().outcome == "resolved"


def test_a_payment_for_a_changed_grade_is_kept_for_staff(signed_in_as, client):
    member_client, user = _member(signed_in_as)
    _start(member_client)
    user.membership.grade = "fellow"
    db.session.commit()
    _stripe_webhook(client, "checkout.session.completed", _only_payment())
    payment = _only_payment()
    assert payment.outcome == "needs-review" and "grade" in payment.review_reason
    assert user.membership.renewal_date == RENEWAL


def test_gocardless_events_out_of_order_still_renew_once_and_tell_the_collection_date(
    signed_in_as, client, standin
):
    member_client, user = _member(signed_in_as)
    response = _start(member_client, provider="gocardless")
    assert response.headers["Location"].startswith("https://pay.gocardless.test/billing/flow/")
    [(_, _, created, _)] = standin.calls_to("/billing_requests")
    assert created["billing_requests"]["payment_request"]["amount"] == 9500
    payment = _only_payment()
    # The payment is confirmed before the event that says which billing request it was.
    confirmed = gocardless_event("EV001", "payments", "confirmed", payment="PM0001")
    assert _gocardless_webhook(client, confirmed).status_code == 200
    assert _only_payment().status == "started"
    fulfilled = gocardless_event(
        "EV002",
        "billing_requests",
        "fulfilled",
        billing_request=payment.session_id,
        payment_request_payment="PM0001",
    )
    _gocardless_webhook(client, fulfilled)
    _gocardless_webhook(client, confirmed, fulfilled)  # delivered again
    payment = _only_payment()
    assert (payment.status, payment.outcome) == ("paid", "renewed")
    assert payment.charge_date == date(2026, 12, 8)
    assert user.membership.renewal_date == RENEWAL.replace(year=RENEWAL.year + 1)
    [told] = _emails("payment-collection:%")
    assert "Tuesday 8 December 2026" in told.body_text
    assert len(_emails("payment-receipt:%")) == 1


def test_a_failed_collection_reaches_the_member_and_staff(signed_in_as, client):
    member_client, user = _member(signed_in_as)
    _start(member_client, provider="gocardless")
    payment = _only_payment()
    _gocardless_webhook(
        client,
        gocardless_event(
            "EV010",
            "billing_requests",
            "fulfilled",
            billing_request=payment.session_id,
            payment_request_payment="PM0010",
        ),
        gocardless_event("EV011", "payments", "failed", payment="PM0010"),
    )
    payment = _only_payment()
    assert payment.status == "failed"
    assert user.membership.renewal_date == RENEWAL
    [to_member] = _emails("payment-failed:%")
    assert to_member.to_address == user.email and "did not go through" in to_member.body_text
    assert _emails("payment-staff:%")


def test_a_gocardless_webhook_with_a_bad_signature_is_refused(signed_in_as, client):
    member_client, _ = _member(signed_in_as)
    _start(member_client, provider="gocardless")
    payment = _only_payment()
    event = gocardless_event(
        "EV020", "billing_requests", "fulfilled", billing_request=payment.session_id
    )
    response = _gocardless_webhook(client, event, signature="0" * 64)
    assert response.status_code == 400
    assert _only_payment().status == "started"


def test_two_presses_at_the_same_moment_make_one_payment_session(
    app, backend, signed_in_as, standin
):
    """Two requests really in flight together (PostgreSQL: the second waits on the unique
    key, then gets the first one's page). SQLite serialises writers, so runs this on PG."""
    if backend != "postgresql":
        pytest.skip("needs concurrent writers (PostgreSQL)")
    member_client, _ = _member(signed_in_as)
    standin.delay = 0.5
    results = []
    start = threading.Barrier(2)

    def press():
        start.wait()
        results.append(_start(member_client))

    try:
        threads = [threading.Thread(target=press) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
    finally:
        standin.delay = 0.0
    assert [r.status_code for r in results] == [303, 303]
    assert results[0].headers["Location"] == results[1].headers["Location"]
    assert len(standin.calls_to("/v1/checkout/sessions")) == 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1


def test_two_different_events_for_one_payment_at_once_renew_once(
    app, backend, signed_in_as, standin
):
    """Stripe may send "completed" and "async payment succeeded" together: on PostgreSQL the
    second waits for the first and sees the payment already paid (not a mismatch)."""
    if backend != "postgresql":
        pytest.skip("needs concurrent writers (PostgreSQL)")
    member_client, user = _member(signed_in_as)
    _start(member_client)
    payment = _only_payment()
    results = []
    start = threading.Barrier(2)

    def deliver(event_type):
        client = app.test_client()
        start.wait()
        results.append(_stripe_webhook(client, event_type, payment).status_code)

    threads = [
        threading.Thread(target=deliver, args=(kind,))
        for kind in ("checkout.session.completed", "checkout.session.async_payment_succeeded")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert results == [200, 200]
    payment = _only_payment()
    assert (payment.status, payment.outcome) == ("paid", "renewed")
    db.session.expire_all()
    assert user.membership.renewal_date == RENEWAL.replace(year=RENEWAL.year + 1)
    assert len(_emails("payment-receipt:%")) == 1


def test_a_pending_direct_debit_is_shown_so_the_member_does_not_pay_twice(signed_in_as, client):
    member_client, _ = _member(signed_in_as)
    _start(member_client, provider="gocardless")
    payment = _only_payment()
    fulfilled = gocardless_event(
        "EV030",
        "billing_requests",
        "fulfilled",
        billing_request=payment.session_id,
        payment_request_payment="PM0030",
    )
    _gocardless_webhook(client, fulfilled)
    page = member_client.get("/member/renew").get_data(as_text=True)
    assert "you do not need to pay again" in page and "Tuesday 8 December 2026" in page


def test_a_direct_debit_taken_back_after_confirmation_reaches_staff(signed_in_as, client):
    member_client, user = _member(signed_in_as)
    _start(member_client, provider="gocardless")
    payment = _only_payment()
    _gocardless_webhook(
        client,
        gocardless_event(
            "EV040",
            "billing_requests",
            "fulfilled",
            billing_request=payment.session_id,
            payment_request_payment="PM0040",
        ),
        gocardless_event("EV041", "payments", "confirmed", payment="PM0040"),
    )
    assert _only_payment().outcome == "renewed"
    _gocardless_webhook(
        client, gocardless_event("EV042", "payments", "charged_back", payment="PM0040")
    )
    payment = _only_payment()
    assert (payment.status, payment.outcome) == ("paid", "needs-review")
    assert "charged_back" in payment.review_reason
    assert _emails(f"payment-staff:{payment.id}:reversed")
    assert user.membership.renewal_date == RENEWAL.replace(year=RENEWAL.year + 1)
