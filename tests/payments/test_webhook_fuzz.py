"""Whatever reaches a webhook address (any bytes, any signature header) is answered below
500, and only a correctly signed body changes anything."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from portal.extensions import db
from portal.payments.models import PaymentEvent
from portal.payments.providers import demo_signature
from tests.payments.standin import gocardless_signature, stripe_signature

# Well-formed JSON of the wrong shape: signed, it gets past the signature check.
ODD_JSON = [
    b"{}",
    b"[]",
    b"null",
    b"1",
    b'"x"',
    b'{"events": [1]}',
    b'{"events": {}}',
    b'{"events": [{"links": 3}]}',
    b'{"id": 1, "type": null}',
    b'{"data": {"object": 1}}',
    b'{"id": "evt", "object": "event", "type": "checkout.session.completed", "data": {}}',
    b'{"id": "e", "type": "paid", "session": null}',
    b'{"id": "e"}',
]
HEADER = {"stripe": "Stripe-Signature", "gocardless": "Webhook-Signature", "demo": "Demo-Signature"}


@pytest.mark.parametrize("provider", ["stripe", "gocardless", "demo"])
def test_hostile_webhook_bodies_are_refused_without_a_500(app, client, provider):
    @settings(
        max_examples=settings.default.max_examples // 4,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
        derandomize=True,
    )
    @given(
        body=st.one_of(
            st.sampled_from(ODD_JSON),
            st.binary(max_size=500),
            st.text(max_size=300).map(str.encode),
        ),
        signature=st.one_of(st.none(), st.text(max_size=200), st.just("t=1,v1=00")),
        sign_it=st.booleans(),
    )
    def run(body, signature, sign_it):
        headers = {"Content-Type": "application/json"}
        if sign_it and provider == "stripe":
            headers[HEADER[provider]] = stripe_signature(body)
        elif sign_it and provider == "gocardless":
            headers[HEADER[provider]] = gocardless_signature(body)
        elif sign_it:
            headers[HEADER[provider]] = demo_signature(app.config["DEMO_PAYMENT_SECRET"], body)
        elif signature is not None and signature.isprintable():
            headers[HEADER[provider]] = signature
        response = client.post(f"/payments/webhooks/{provider}", data=body, headers=headers)
        assert response.status_code < 500, (body, response.status_code)
        db.session.rollback()

    run()
    assert db.session.scalar(select(func.count()).select_from(PaymentEvent)) == 0
