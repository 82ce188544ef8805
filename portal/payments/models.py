"""Tables behind paying for a membership: each payment, each provider event once, and the
administrator's payment settings (docs/PAYMENTS.md)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Membership, User
from portal.database import in_values, utcnow
from portal.extensions import db


class PaymentStatus(StrEnum):
    STARTED = "started"  # the member was sent to the hosted page
    PENDING = "pending"  # the provider has it; money not yet confirmed (Direct Debit)
    PAID = "paid"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Outcome(StrEnum):
    NONE = ""
    RENEWED = "renewed"
    REJOINED = "rejoined"
    NEEDS_REVIEW = "needs-review"  # paid, but the membership changed meanwhile
    RESOLVED = "resolved"  # staff dealt with a payment that needed review


PROVIDERS = ("stripe", "gocardless", "demo")


class Payment(db.Model):
    """One attempt to pay a subscription through a provider's hosted page. The portal never
    sees card or bank details: only the provider's ids for the session and the payment."""

    __tablename__ = "payment"
    __table_args__ = (
        CheckConstraint(f"status IN ({in_values(PaymentStatus)})", name="status"),
        CheckConstraint(f"outcome IN ({in_values(Outcome)})", name="outcome"),
        CheckConstraint("purpose IN ('renewal', 'rejoin')", name="purpose"),
        CheckConstraint("amount_pence >= 0", name="amount"),
        UniqueConstraint("membership_id", "submission_key"),
        UniqueConstraint("provider", "session_id"),
        UniqueConstraint("provider", "provider_payment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(10), default="renewal")
    provider: Mapped[str] = mapped_column(String(20))
    grade: Mapped[str] = mapped_column(String(40))
    amount_pence: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="GBP")
    # The renewal date this payment renews from; None when rejoining.
    renewal_from: Mapped[date | None]
    submission_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default=PaymentStatus.STARTED.value)
    outcome: Mapped[str] = mapped_column(String(16), default=Outcome.NONE.value)
    session_id: Mapped[str | None] = mapped_column(String(255))
    checkout_url: Mapped[str] = mapped_column(String(2000), default="")
    provider_payment_id: Mapped[str | None] = mapped_column(String(255))
    charge_date: Mapped[date | None]  # Direct Debit: when the money is collected
    new_renewal_date: Mapped[date | None]
    review_reason: Mapped[str] = mapped_column(String(300), default="")
    review_note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    paid_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    membership: Mapped[Membership | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    @property
    def reference(self) -> str:
        return f"PAY-{self.id:06d}"

    @property
    def amount_text(self) -> str:
        return f"£{self.amount_pence // 100}.{self.amount_pence % 100:02d}"

    def __repr__(self) -> str:
        return f"<Payment {self.id} {self.provider} {self.status}>"


class PaymentEvent(db.Model):
    """A provider event, recorded once: the unique (provider, event id) is what makes a
    webhook delivered twice change nothing the second time."""

    __tablename__ = "payment_event"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(80))
    # The provider's id of what the event is about (session, billing request or payment).
    resource_id: Mapped[str] = mapped_column(String(255), default="", index=True)
    payment_id: Mapped[int | None] = mapped_column(
        ForeignKey("payment.id", ondelete="SET NULL"), index=True
    )
    # "applied", "ignored", or "waiting" for an event that arrived before the one that
    # tells us which payment it belongs to (it is applied when that one comes).
    result: Mapped[str] = mapped_column(String(20), default="applied")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
