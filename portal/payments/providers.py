"""The payment providers behind one small interface.

Each provider starts a hosted checkout (the member pays on the provider's own page, so the
portal never sees card or bank details) and turns a signed webhook into events the portal
understands. Signatures are checked with each library's own function
(``stripe.Webhook.construct_event``, ``gocardless_pro.webhooks.parse``). The demo provider
takes no money: it stands in for the hosted page under ``make run`` and is never offered in
production (``PAYMENTS_DEMO_ALLOWED``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import gocardless_pro
import requests
import stripe
from gocardless_pro import webhooks as gc_webhooks
from gocardless_pro.errors import GoCardlessProError, InvalidSignatureError

# What an event means for our payment, whatever the provider called it.
PAID, PENDING, FAILED, CANCELLED, LINKED, OTHER = (
    "paid",
    "pending",
    "failed",
    "cancelled",
    "linked",
    "other",
)


# GoCardless payment events that mean the money did not come, or went back.
GOCARDLESS_FAILURES = (
    "payments.failed",
    "payments.cancelled",
    "payments.late_failure_settled",
    "payments.charged_back",
)


class ProviderUnavailable(Exception):
    """The provider could not be reached or refused the request; nothing was charged."""


class BadSignature(Exception):
    """A webhook whose signature does not match: not from the provider."""


class NotUnderstood(Exception):
    """A correctly signed webhook whose body is not the shape the provider documents."""


@dataclass(frozen=True)
class Checkout:
    session_id: str
    url: str


@dataclass(frozen=True)
class CheckoutRequest:
    reference: str  # our payment's id, sent as the provider's reference and idempotency key
    amount_pence: int
    description: str
    email: str
    success_url: str
    cancel_url: str


@dataclass(frozen=True)
class ProviderEvent:
    event_id: str
    raw_type: str
    meaning: str
    session_id: str = ""
    payment_id: str = ""  # the provider's id of the payment itself
    reference: str = ""  # our reference, where the provider echoes it back


def _ascii(headers: Mapping[str, str], name: str) -> str:
    """A signature header, refused as a bad signature unless it is plain ASCII (a signature
    never is anything else, and the comparison functions refuse other text)."""
    value = headers.get(name, "")
    if not value.isascii():
        raise BadSignature(f"{name} is not ASCII")
    return value


class Provider:
    name = ""
    label = ""
    description = ""

    def __init__(self, config: Mapping) -> None:
        self.config = config

    def is_configured(self) -> bool:
        raise NotImplementedError

    def start_checkout(self, request: CheckoutRequest) -> Checkout:
        raise NotImplementedError

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> list[ProviderEvent]:
        raise NotImplementedError

    def charge_date(self, payment_id: str) -> date | None:
        return None


class StripeProvider(Provider):
    name = "stripe"
    label = "Card (Stripe)"
    description = "Pay by debit or credit card on Stripe's secure page."

    def is_configured(self) -> bool:
        return bool(
            self.config.get("STRIPE_SECRET_KEY") and self.config.get("STRIPE_WEBHOOK_SECRET")
        )

    def _client(self) -> stripe.StripeClient:
        base = self.config.get("STRIPE_API_BASE")
        return stripe.StripeClient(
            self.config["STRIPE_SECRET_KEY"],
            base_addresses={"api": base} if base else None,
            max_network_retries=0,
            http_client=stripe.RequestsClient(
                timeout=self.config.get("PAYMENT_TIMEOUT_SECONDS", 10)
            ),
        )

    def start_checkout(self, request: CheckoutRequest) -> Checkout:
        params = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": "gbp",
                        "unit_amount": request.amount_pence,
                        "product_data": {"name": request.description},
                    },
                }
            ],
            "client_reference_id": request.reference,
            "metadata": {"reference": request.reference},
            "customer_email": request.email,
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
        }
        try:
            session = self._client().v1.checkout.sessions.create(
                params=params, options={"idempotency_key": f"checkout-{request.reference}"}
            )
        except stripe.StripeError as error:
            raise ProviderUnavailable(str(error)) from error
        if not session.url:
            raise ProviderUnavailable("Stripe returned no payment page")
        return Checkout(session.id, session.url)

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> list[ProviderEvent]:
        try:
            event = stripe.Webhook.construct_event(
                body, _ascii(headers, "Stripe-Signature"), self.config["STRIPE_WEBHOOK_SECRET"]
            )
        except stripe.SignatureVerificationError as error:
            raise BadSignature(str(error)) from error
        except (ValueError, AttributeError, KeyError, TypeError) as error:
            raise NotUnderstood(str(error)) from error
        try:
            return [self._event(event)]
        except (AttributeError, KeyError, TypeError) as error:
            raise NotUnderstood(str(error)) from error

    @staticmethod
    def _event(event) -> ProviderEvent:
        obj = event.data.object.to_dict()
        meaning = OTHER
        if event.type == "checkout.session.completed":
            meaning = (
                PAID if obj.get("payment_status") in ("paid", "no_payment_required") else PENDING
            )
        elif event.type == "checkout.session.async_payment_succeeded":
            meaning = PAID
        elif event.type == "checkout.session.async_payment_failed":
            meaning = FAILED
        elif event.type == "checkout.session.expired":
            meaning = CANCELLED
        is_session = event.type.startswith("checkout.session.")
        return ProviderEvent(
            event_id=str(event.id),
            raw_type=str(event.type),
            meaning=meaning,
            session_id=str(obj.get("id") or "") if is_session else "",
            payment_id=str(obj.get("payment_intent") or "") if is_session else "",
            reference=str(obj.get("client_reference_id") or "") if is_session else "",
        )


class GoCardlessProvider(Provider):
    name = "gocardless"
    label = "Direct Debit (GoCardless)"
    description = "Pay by Direct Debit from your bank account, set up on GoCardless's secure page."

    def is_configured(self) -> bool:
        return bool(
            self.config.get("GOCARDLESS_ACCESS_TOKEN")
            and self.config.get("GOCARDLESS_WEBHOOK_SECRET")
        )

    def _client(self) -> gocardless_pro.Client:
        base = self.config.get("GOCARDLESS_API_BASE")
        return gocardless_pro.Client(
            access_token=self.config["GOCARDLESS_ACCESS_TOKEN"],
            environment=None if base else self.config.get("GOCARDLESS_ENVIRONMENT", "sandbox"),
            base_url=base or None,
            timeout=self.config.get("PAYMENT_TIMEOUT_SECONDS", 10),
        )

    def start_checkout(self, request: CheckoutRequest) -> Checkout:
        client = self._client()
        try:
            billing = client.billing_requests.create(
                params={
                    "payment_request": {
                        "description": request.description,
                        "amount": request.amount_pence,
                        "currency": "GBP",
                    },
                    "metadata": {"reference": request.reference},
                },
                headers={"Idempotency-Key": f"billing-{request.reference}"},
            )
            flow = client.billing_request_flows.create(
                params={
                    "redirect_uri": request.success_url,
                    "exit_uri": request.cancel_url,
                    "links": {"billing_request": billing.id},
                    "prefilled_customer": {"email": request.email},
                }
            )
        except (GoCardlessProError, requests.RequestException) as error:
            raise ProviderUnavailable(str(error)) from error
        return Checkout(billing.id, flow.authorisation_url)

    def charge_date(self, payment_id: str) -> date | None:
        try:
            found = self._client().payments.get(payment_id)
        except (GoCardlessProError, requests.RequestException):
            return None
        return date.fromisoformat(found.charge_date) if found.charge_date else None

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> list[ProviderEvent]:
        try:
            events = gc_webhooks.parse(
                body, self.config["GOCARDLESS_WEBHOOK_SECRET"], _ascii(headers, "Webhook-Signature")
            )
        except InvalidSignatureError as error:
            raise BadSignature("signature does not match") from error
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise NotUnderstood(str(error)) from error
        try:
            return [self._event(event) for event in events]
        except (AttributeError, KeyError, TypeError) as error:
            raise NotUnderstood(str(error)) from error

    @staticmethod
    def _event(event) -> ProviderEvent:
        links = event.attributes.get("links") or {}
        if not isinstance(links, dict) or not event.id:
            raise TypeError("an event without an id or with odd links")
        kind = (event.resource_type, event.action)
        meaning = {
            ("billing_requests", "fulfilled"): LINKED,
            ("billing_requests", "cancelled"): CANCELLED,
            ("payments", "created"): PENDING,
            ("payments", "submitted"): PENDING,
            ("payments", "confirmed"): PAID,
            ("payments", "paid_out"): PAID,
            ("payments", "failed"): FAILED,
            ("payments", "cancelled"): FAILED,
            ("payments", "late_failure_settled"): FAILED,
            ("payments", "charged_back"): FAILED,
        }.get(kind, OTHER)
        return ProviderEvent(
            raw_type=f"{event.resource_type}.{event.action}",
            meaning=meaning,
            event_id=str(event.id),
            session_id=str(links.get("billing_request") or ""),
            payment_id=str(links.get("payment_request_payment") or links.get("payment") or ""),
        )


def demo_signature(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class DemoProvider(Provider):
    name = "demo"
    label = "Demo payment (no money is taken)"
    description = "For trying the portal out: a pretend payment page. No money moves."

    def is_configured(self) -> bool:
        return bool(self.config.get("PAYMENTS_DEMO_ALLOWED"))

    def start_checkout(self, request: CheckoutRequest) -> Checkout:
        from flask import url_for

        session_id = f"demo_{secrets.token_urlsafe(18)}"
        return Checkout(session_id, url_for("payments.demo_checkout", session_id=session_id))

    def signed_event(self, session_id: str, meaning: str) -> tuple[bytes, dict[str, str]]:
        """The body and headers of the webhook the demo page sends itself."""
        body = json.dumps(
            {"id": f"demo_evt_{secrets.token_urlsafe(12)}", "type": meaning, "session": session_id}
        ).encode()
        return body, {"Demo-Signature": demo_signature(self.config["DEMO_PAYMENT_SECRET"], body)}

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> list[ProviderEvent]:
        expected = demo_signature(self.config["DEMO_PAYMENT_SECRET"], body)
        if not hmac.compare_digest(expected, _ascii(headers, "Demo-Signature")):
            raise BadSignature("demo signature does not match")
        try:
            data = json.loads(body)
            meaning = data["type"] if data.get("type") in (PAID, CANCELLED) else OTHER
            return [
                ProviderEvent(str(data["id"]), str(data["type"]), meaning, str(data["session"]))
            ]
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise NotUnderstood(str(error)) from error


ALL = {p.name: p for p in (StripeProvider, GoCardlessProvider, DemoProvider)}


def provider(name: str, config: Mapping) -> Provider:
    return ALL[name](config)
