"""The demo provider's pretend payment page, for ``make run`` and the browser tests.

Pressing "Pay" does what the real providers do: it sends the portal a signed webhook (here,
straight to the same handler), and only that webhook renews the membership. It is never
offered in production (``PAYMENTS_DEMO_ALLOWED``)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.payments import providers as p
from portal.payments.models import Payment
from portal.payments.webhooks import handle_webhook


def payment_for_session(user: User, session_id: str) -> Payment | None:
    if not current_app.config.get("PAYMENTS_DEMO_ALLOWED"):
        return None
    return db.session.scalar(
        select(Payment).where(
            Payment.provider == "demo",
            Payment.session_id == session_id[:255],
            Payment.user_id == user.id,
        )
    )


def finish(payment: Payment, pay: bool) -> None:
    """Send the signed "paid" (or "cancelled") event, as the provider's page would."""
    demo = p.DemoProvider(current_app.config)
    body, headers = demo.signed_event(payment.session_id, p.PAID if pay else p.CANCELLED)
    handle_webhook("demo", body, headers)
