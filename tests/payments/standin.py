"""A local stand-in for the payment providers' APIs, so tests drive the real ``stripe`` and
``gocardless_pro`` libraries over HTTP without reaching the internet, and the webhook bodies
the providers would send, signed the way each provider signs them."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from urllib.parse import parse_qs

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

STRIPE_WEBHOOK_SECRET = "whsec_test_standin"
GOCARDLESS_WEBHOOK_SECRET = "gc_webhook_test_standin"


class ProviderStandIn:
    """Answers the few API calls the portal makes, and remembers each one."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict, dict]] = []
        self._ids = itertools.count(1)
        self._by_key: dict[str, dict] = {}
        self.charge_date = "2026-12-08"
        self.delay = 0.0  # seconds each answer takes, to make two requests overlap
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def calls_to(self, path: str) -> list:
        return [c for c in self.calls if c[1] == path]

    def _app(self, environ, start_response):
        request = Request(environ)
        raw = request.get_data(as_text=True)
        if request.mimetype == "application/json":
            body = json.loads(raw or "{}")
        else:
            body = {k: v[0] for k, v in parse_qs(raw).items()}
        self.calls.append((request.method, request.path, body, dict(request.headers)))
        time.sleep(self.delay)
        key = request.headers.get("Idempotency-Key")
        if key and key in self._by_key:  # the providers answer a repeated key the same way
            answer = self._by_key[key]
        else:
            answer = self._answer(request.method, request.path)
            if key:
                self._by_key[key] = answer
        response = Response(json.dumps(answer), status=200, mimetype="application/json")
        return response(environ, start_response)

    def _answer(self, method: str, path: str) -> dict:
        n = next(self._ids)
        if path == "/v1/checkout/sessions":
            return {
                "id": f"cs_test_{n}",
                "object": "checkout.session",
                "url": f"https://checkout.stripe.test/c/pay/cs_test_{n}",
                "payment_status": "unpaid",
            }
        if path == "/billing_requests":
            return {"billing_requests": {"id": f"BRQ{n:06d}", "status": "pending"}}
        if path == "/billing_request_flows":
            return {
                "billing_request_flows": {
                    "id": f"BRF{n:06d}",
                    "authorisation_url": f"https://pay.gocardless.test/billing/flow/BRF{n:06d}",
                }
            }
        if method == "GET" and path.startswith("/payments/"):
            payment_id = path.rsplit("/", 1)[1]
            return {"payments": {"id": payment_id, "charge_date": self.charge_date}}
        return {"error": {"type": "invalid_api_usage", "message": "unknown", "code": 404}}


def stripe_event(event_type: str, session: dict, event_id: str | None = None) -> bytes:
    event = {
        "id": event_id or f"evt_{event_type.replace('.', '_')}_{session['id']}",
        "object": "event",
        "type": event_type,
        "api_version": "2025-01-27",
        "created": int(time.time()),
        "data": {"object": {"object": "checkout.session", **session}},
    }
    return json.dumps(event).encode()


def stripe_signature(body: bytes, secret: str = STRIPE_WEBHOOK_SECRET, at: int | None = None):
    """The Stripe-Signature header as Stripe makes it: t=<unix time>,v1=<HMAC-SHA256>."""
    at = at or int(time.time())
    signed = f"{at}.".encode() + body
    return f"t={at},v1={hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()}"


def gocardless_body(*events: dict) -> bytes:
    return json.dumps({"events": list(events), "meta": {"webhook_id": "WB000001"}}).encode()


def gocardless_event(event_id: str, resource_type: str, action: str, **links) -> dict:
    return {
        "id": event_id,
        "created_at": "2026-12-01T09:00:00.000Z",
        "resource_type": resource_type,
        "action": action,
        "links": links,
        "details": {"origin": "gocardless", "cause": action, "description": action},
        "metadata": {},
    }


def gocardless_signature(body: bytes, secret: str = GOCARDLESS_WEBHOOK_SECRET) -> str:
    """The Webhook-Signature header as GoCardless makes it: HMAC-SHA256 of the body, hex."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
