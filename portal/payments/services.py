"""Paying a subscription: start a hosted checkout, then apply the provider's signed events.

The one rule that matters most: a payment counts only when the provider's signed webhook
says so (CHARTER.md section 9, "Renewal dates move by years, not from today"). Then, in the
webhook's one transaction, the renewal date moves on a year from the old date, the receipt
goes into the outbox and the next reminder is armed (its outbox key carries the new date,
see ``membership.renewals``). Each provider event is recorded once, so a webhook delivered
twice changes nothing the second time, and an event never moves a payment backwards, so
events arriving out of order do no harm. See docs/PAYMENTS.md.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.accounts.models import Membership, MemberStatus, User
from portal.audit.services import ACTIONS
from portal.audit.services import record as audit
from portal.clock import london_today
from portal.database import utcnow
from portal.extensions import db
from portal.notify.services import queue_email
from portal.payments import providers as p
from portal.payments.models import Outcome, Payment, PaymentStatus
from portal.settings.membership import fee_for, grades, switched_on_providers
from portal.urls import external_url

log = logging.getLogger(__name__)

ACTIONS.update(
    {
        "payment.started": "Payment started",
        "payment.webhook_refused": "Payment webhook refused: bad signature",
        "payment.confirmed": "Payment confirmed by the provider",
        "payment.failed": "Payment failed",
        "payment.needs_review": "Payment needs staff review",
        "payment.resolved": "Payment reviewed by staff",
    }
)

REUSE_MINUTES = 30
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class PaymentRefused(Exception):
    """This member cannot pay now (an applicant, resigned, or nothing offered)."""


def enabled_providers() -> list[str]:
    """The providers an administrator switched on that are also configured here: one
    without its keys, or the demo provider in production, is never offered."""
    config = current_app.config
    return [n for n in switched_on_providers() if p.provider(n, config).is_configured()]


def add_year(day: date) -> date:
    """The same date a year on; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


@dataclass(frozen=True)
class Offer:
    """What the member is about to pay for, shown on the confirm page."""

    purpose: str  # "renewal" or "rejoin"
    grade: str
    amount_pence: int
    renewal_from: date | None
    new_renewal_date: date

    @property
    def amount_text(self) -> str:
        return f"£{self.amount_pence // 100}.{self.amount_pence % 100:02d}"


def offer_for(membership: Membership | None, today: date | None = None) -> Offer:
    """The renewal (active member) or rejoining (lapsed member) this member may pay for."""
    today = today or london_today()
    if membership is None or membership.status not in (
        MemberStatus.ACTIVE.value,
        MemberStatus.LAPSED.value,
    ):
        raise PaymentRefused("Only members, and members whose membership has lapsed, can pay here.")
    fee = fee_for(membership.grade)
    if membership.status == MemberStatus.LAPSED.value or membership.renewal_date is None:
        return Offer("rejoin", membership.grade, fee, None, add_year(today))
    return Offer(
        "renewal", membership.grade, fee, membership.renewal_date, add_year(membership.renewal_date)
    )


def start_payment(user: User, provider_name: str, submission_key: str) -> Payment:
    """Start paying through ``provider_name``'s hosted page and return the payment, whose
    ``checkout_url`` the member is sent to.

    A second click of the same form (same ``submission_key``), or another tab within half an
    hour, gets the same payment session, never a second one. If the provider cannot be
    reached, :class:`providers.ProviderUnavailable` is raised and the caller's transaction is
    rolled back: nothing is charged and the renewal is unchanged.
    """
    membership = user.membership
    offer = offer_for(membership)
    if not _KEY.match(submission_key or ""):
        submission_key = secrets.token_urlsafe(16)  # no usable key: this press stands alone
    if provider_name not in enabled_providers():
        raise PaymentRefused("That way of paying is not available.")
    existing = _open_payment(membership, offer, provider_name, submission_key)
    if existing is not None:
        return existing
    payment = Payment(
        membership_id=membership.id,
        user_id=user.id,
        purpose=offer.purpose,
        provider=provider_name,
        grade=offer.grade,
        amount_pence=offer.amount_pence,
        renewal_from=offer.renewal_from,
        submission_key=submission_key[:64],
    )
    try:
        with db.session.begin_nested():
            db.session.add(payment)
    except IntegrityError:  # the same form sent twice at once: the first one stands
        return _by_submission(membership, submission_key)
    checkout = p.provider(provider_name, current_app.config).start_checkout(
        p.CheckoutRequest(
            reference=str(payment.id),
            amount_pence=payment.amount_pence,
            description=_description(offer, membership),
            email=user.email,
            success_url=external_url("member.payment_status", payment_id=payment.id),
            cancel_url=external_url("member.renew"),
        )
    )
    payment.session_id, payment.checkout_url = checkout.session_id, checkout.url
    db.session.flush()
    audit("payment.started", payment, subject=user, details={"provider": provider_name})
    return payment


def _description(offer: Offer, membership: Membership) -> str:
    what = "Membership renewal" if offer.purpose == "renewal" else "Rejoining membership"
    return f"{what} {membership.membership_number or ''}".strip()


def _by_submission(membership: Membership, submission_key: str) -> Payment:
    return db.session.scalar(
        select(Payment).where(
            Payment.membership_id == membership.id, Payment.submission_key == submission_key[:64]
        )
    )


def _open_payment(membership, offer, provider_name, submission_key) -> Payment | None:
    same_form = _by_submission(membership, submission_key)
    if same_form is not None:
        return same_form
    return db.session.scalar(
        select(Payment)
        .where(
            Payment.membership_id == membership.id,
            Payment.provider == provider_name,
            Payment.status == PaymentStatus.STARTED.value,
            Payment.purpose == offer.purpose,
            Payment.grade == offer.grade,
            Payment.renewal_from == offer.renewal_from
            if offer.renewal_from
            else Payment.renewal_from.is_(None),
            Payment.checkout_url != "",
            Payment.created_at >= utcnow() - timedelta(minutes=REUSE_MINUTES),
        )
        .order_by(Payment.id.desc())
        .limit(1)
    )


def confirm_payment(payment: Payment) -> str:
    """The provider says the money is ours: renew (or rejoin) in this transaction, email the
    receipt, and arm the next reminder. A payment that no longer matches the membership (it
    lapsed, changed grade, or was renewed another way) is kept for staff to reconcile."""
    if payment.status == PaymentStatus.PAID.value:
        return "ignored"
    payment.status, payment.paid_at = PaymentStatus.PAID.value, utcnow()
    membership = _locked(payment.membership_id)
    mismatch = _mismatch(payment, membership)
    if mismatch:
        payment.outcome, payment.review_reason = Outcome.NEEDS_REVIEW.value, mismatch
        audit("payment.needs_review", payment, subject=payment.user, summary=mismatch)
        _tell_staff(payment)
    elif payment.purpose == "renewal":
        membership.renewal_date = payment.new_renewal_date = add_year(payment.renewal_from)
        payment.outcome = Outcome.RENEWED.value
    else:
        membership.status = MemberStatus.ACTIVE.value
        membership.renewal_date = payment.new_renewal_date = add_year(london_today())
        payment.outcome = Outcome.REJOINED.value
    db.session.flush()
    audit(
        "payment.confirmed",
        payment,
        subject=payment.user,
        details={"outcome": payment.outcome, "renewal_date": str(payment.new_renewal_date or "")},
    )
    _send_receipt(payment)
    return "applied"


def _locked(membership_id: int | None) -> Membership | None:
    if membership_id is None:
        return None
    return db.session.scalar(
        select(Membership).where(Membership.id == membership_id).with_for_update()
    )


def _mismatch(payment: Payment, membership: Membership | None) -> str:
    if membership is None:
        return "The member's record no longer exists."
    if membership.grade != payment.grade:
        return "The member's grade changed after they started paying."
    if payment.purpose == "renewal":
        if membership.status != MemberStatus.ACTIVE.value:
            return f"The membership is {membership.status}, not active, so it was not renewed."
        if membership.renewal_date != payment.renewal_from:
            return "The renewal date had already moved on (paid twice, or renewed another way)."
    elif membership.status != MemberStatus.LAPSED.value:
        return f"The membership is {membership.status}, so there was nothing to rejoin."
    return ""


def _send_receipt(payment: Payment) -> None:
    if payment.user is None:
        return
    queue_email(
        f"payment-receipt:{payment.id}",
        payment.user.email,
        f"Receipt for your payment {payment.reference}",
        "payment_receipt",
        first_name=payment.user.first_name,
        payment=payment,
        membership=payment.membership,
        dashboard_url=external_url("member.dashboard"),
    )


def _tell_staff(payment: Payment, tag: str = "") -> None:
    queue_email(
        f"payment-staff:{payment.id}:{tag or payment.status}",
        current_app.config["STAFF_TEAM_EMAIL"],
        f"Payment {payment.reference} needs your attention",
        "staff_payment_problem",
        payment=payment,
        review_url=external_url("staff.payments"),
    )


def money_taken_back(payment: Payment, what: str) -> None:
    """A payment already counted was reversed (a Direct Debit's late failure or a
    chargeback): the renewal stays as it is, and staff are asked to decide what to do."""
    payment.outcome = Outcome.NEEDS_REVIEW.value
    payment.reviewed_at = None
    payment.review_reason = f"The provider took the money back after it was confirmed ({what})."
    db.session.flush()
    audit("payment.needs_review", payment, subject=payment.user, summary=payment.review_reason)
    _tell_staff(payment, "reversed")


def payment_failed(payment: Payment) -> None:
    """The provider says the money did not come: the member and staff are told."""
    payment.status, payment.failed_at = PaymentStatus.FAILED.value, utcnow()
    payment.review_reason = "The provider reported the payment failed."
    audit("payment.failed", payment, subject=payment.user)
    _tell_staff(payment)
    if payment.user is not None:
        queue_email(
            f"payment-failed:{payment.id}",
            payment.user.email,
            "Your membership payment did not go through",
            "payment_failed",
            first_name=payment.user.first_name,
            payment=payment,
            renew_url=external_url("member.renew"),
        )


# -- what members and staff see ----------------------------------------------------------


def can_pay(user: User) -> bool:
    membership = user.membership
    return membership is not None and membership.status in (
        MemberStatus.ACTIVE.value,
        MemberStatus.LAPSED.value,
    )


def provider_choices() -> list[tuple[str, str]]:
    config = current_app.config
    return [(name, p.provider(name, config).label) for name in enabled_providers()]


def _waiting_for(membership: Membership, offer: Offer) -> Payment | None:
    """A Direct Debit (or other) payment for this same renewal the provider has not
    confirmed yet: shown so the member does not pay twice."""
    return db.session.scalar(
        select(Payment)
        .where(
            Payment.membership_id == membership.id,
            Payment.status == PaymentStatus.PENDING.value,
            Payment.purpose == offer.purpose,
        )
        .order_by(Payment.id.desc())
        .limit(1)
    )


def renew_page(user: User, form) -> dict:
    """What the renew page shows: the offer, the grade in words and the ways to pay."""
    membership = user.membership
    if not can_pay(user):
        return {"form": form, "offer": None, "membership": membership, "grade": None}
    offer = offer_for(membership)
    return {
        "form": form,
        "offer": offer,
        "waiting": _waiting_for(membership, offer),
        "membership": membership,
        "grade": grades().get(offer.grade),
        "providers": [p.provider(name, current_app.config) for name in enabled_providers()],
    }


def own_payment(user: User, payment_id: int) -> Payment | None:
    payment = db.session.get(Payment, payment_id)
    return payment if payment is not None and payment.user_id == user.id else None


def payments_of(user: User, limit: int = 10) -> list[Payment]:
    return list(
        db.session.scalars(
            select(Payment)
            .where(Payment.user_id == user.id, Payment.status != PaymentStatus.STARTED.value)
            .order_by(Payment.id.desc())
            .limit(limit)
        )
    )


def payments_for_staff(limit: int = 100) -> dict[str, list[Payment]]:
    """Payments staff must look at (paid but not applied, or failed), and the latest ones."""
    needs = (
        select(Payment)
        .options(selectinload(Payment.user))
        .where(
            (Payment.outcome == Outcome.NEEDS_REVIEW.value)
            | ((Payment.status == PaymentStatus.FAILED.value) & (Payment.reviewed_at.is_(None)))
        )
    )
    return {
        "needs_review": list(db.session.scalars(needs.order_by(Payment.id))),
        "recent": list(
            db.session.scalars(
                select(Payment)
                .options(selectinload(Payment.user))
                .order_by(Payment.id.desc())
                .limit(limit)
            )
        ),
    }


def resolve_payment(payment: Payment, staff: User, note: str) -> None:
    """Staff record what they did about a payment that needed review (refund, manual renewal)."""
    if payment.outcome == Outcome.NEEDS_REVIEW.value:
        payment.outcome = Outcome.RESOLVED.value
    payment.reviewed_at, payment.reviewed_by_id = utcnow(), staff.id
    payment.review_note = note[:500]
    db.session.flush()
    audit("payment.resolved", payment, subject=payment.user, actor=staff, summary=note[:300])
