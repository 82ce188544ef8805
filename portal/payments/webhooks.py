"""Provider webhooks: check the signature with the provider's own library, record each
event once, and apply it to its payment (docs/PAYMENTS.md).

An event is recorded under a unique (provider, event id), so a webhook delivered twice
changes nothing the second time. An event never moves a payment backwards (a late "expired"
cannot undo "paid"), and a Direct Debit payment's events that arrive before the event that
links them to our payment wait for it, so events arriving out of order do no harm.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.audit.services import record as audit
from portal.extensions import db
from portal.notify.services import queue_email
from portal.payments import providers as p
from portal.payments.models import Payment, PaymentEvent, PaymentStatus
from portal.payments.services import confirm_payment, money_taken_back, payment_failed
from portal.transactions import keep_after_rollback

log = logging.getLogger(__name__)


def handle_webhook(provider_name: str, body: bytes, headers: Mapping[str, str]) -> int:
    """Check a webhook's signature with the provider's library and apply each of its events
    once; returns how many were new. A bad signature raises :class:`providers.BadSignature`
    after logging it and keeping an audit entry, whatever happens to the transaction."""
    provider = p.provider(provider_name, current_app.config)
    try:
        events = provider.parse_webhook(body, headers)
    except p.BadSignature as error:
        log.warning("Refused a %s webhook with a bad signature: %s", provider_name, error)
        entry = audit("payment.webhook_refused", details={"provider": provider_name})
        keep_after_rollback(entry)
        raise
    return sum(_apply_once(provider, event) for event in events)


def _apply_once(provider: p.Provider, event: p.ProviderEvent) -> int:
    row = PaymentEvent(
        provider=provider.name,
        event_id=event.event_id[:255],
        kind=event.raw_type[:80],
        resource_id=(event.payment_id or event.session_id)[:255],
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return 0  # delivered before: already applied
    payment = _payment_for(provider.name, event)
    row.payment_id = payment.id if payment else None
    if payment is None:
        # A payment-level event before the event that links it to our session: kept, and
        # applied when that one arrives. Anything else is not ours.
        row.result = "waiting" if event.payment_id and event.meaning != p.LINKED else "ignored"
        db.session.flush()
        return 1
    row.result = _apply(provider, payment, event)
    db.session.flush()
    return 1


def _payment_for(provider_name: str, event: p.ProviderEvent) -> Payment | None:
    """The payment an event is about, locked and read afresh: two different events for one
    payment delivered at once are applied one after the other, the second seeing the first."""
    query = (
        select(Payment)
        .where(Payment.provider == provider_name)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if event.session_id:
        found = db.session.scalar(query.where(Payment.session_id == event.session_id))
        if found is not None:
            return found
    if event.payment_id:
        return db.session.scalar(query.where(Payment.provider_payment_id == event.payment_id))
    return None


def _apply(provider: p.Provider, payment: Payment, event: p.ProviderEvent) -> str:
    if event.payment_id and not payment.provider_payment_id:
        payment.provider_payment_id = event.payment_id[:255]
    if event.meaning == p.PAID:
        return confirm_payment(payment)
    if event.meaning in (p.PENDING, p.LINKED) and payment.status == PaymentStatus.STARTED.value:
        payment.status = PaymentStatus.PENDING.value
    if event.meaning == p.LINKED:
        _tell_collection_date(provider, payment)
        _apply_waiting(provider, payment)
    elif event.meaning == p.FAILED and payment.status != PaymentStatus.PAID.value:
        payment_failed(payment)
    elif event.meaning == p.FAILED:
        money_taken_back(payment, event.raw_type)
    elif event.meaning == p.CANCELLED and payment.status in (
        PaymentStatus.STARTED.value,
        PaymentStatus.PENDING.value,
    ):
        payment.status = PaymentStatus.CANCELLED.value
    else:
        return "applied" if event.meaning in (p.PENDING, p.LINKED) else "ignored"
    return "applied"


def _apply_waiting(provider: p.Provider, payment: Payment) -> None:
    """Apply the payment-level events that arrived before we knew whose payment it was."""
    waiting = db.session.scalars(
        select(PaymentEvent)
        .where(
            PaymentEvent.provider == provider.name,
            PaymentEvent.result == "waiting",
            PaymentEvent.resource_id == payment.provider_payment_id,
        )
        .order_by(PaymentEvent.id)
    ).all()
    for row in waiting:
        meaning = {"payments.confirmed": p.PAID, "payments.paid_out": p.PAID}.get(
            row.kind, p.FAILED if row.kind in p.GOCARDLESS_FAILURES else p.OTHER
        )
        row.payment_id = payment.id
        row.result = _apply(provider, payment, p.ProviderEvent(row.event_id, row.kind, meaning))


def _tell_collection_date(provider: p.Provider, payment: Payment) -> None:
    if not payment.provider_payment_id or payment.user is None:
        return
    payment.charge_date = provider.charge_date(payment.provider_payment_id)
    queue_email(
        f"payment-collection:{payment.id}",
        payment.user.email,
        "Your Direct Debit is set up",
        "payment_collection",
        first_name=payment.user.first_name,
        payment=payment,
    )
