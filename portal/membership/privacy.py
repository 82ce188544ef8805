"""Membership's part of "download everything" and erasure (docs/SECURITY.md V14): the postal
address, payments, email changes and verification links, registered with
:mod:`portal.privacy.registry` through ``portal.registry``."""

from __future__ import annotations

from sqlalchemy import delete, select

from portal.accounts.models import User
from portal.extensions import db
from portal.membership.models import EmailChange, MembershipCheck
from portal.payments.models import Payment
from portal.privacy.registry import ExportPart, iso, register_eraser, register_exporter


@register_exporter("membership-details")
def export_membership_details(user: User) -> ExportPart:
    payments = db.session.scalars(
        select(Payment).where(Payment.user_id == user.id).order_by(Payment.id)
    )
    changes = db.session.scalars(
        select(EmailChange).where(EmailChange.user_id == user.id).order_by(EmailChange.id)
    )
    return ExportPart(
        rows={
            "postal_address": user.postal_address,
            "payments": [
                {
                    "reference": p.reference,
                    "amount_pence": p.amount_pence,
                    "provider": p.provider,
                    "purpose": p.purpose,
                    "status": p.status,
                    "started_at": iso(p.created_at),
                    "paid_at": iso(p.paid_at),
                    "renewed_to": iso(p.new_renewal_date),
                }
                for p in payments
            ],
            "email_changes": [
                {
                    "new_email": c.new_email,
                    "asked_at": iso(c.created_at),
                    "confirmed_at": iso(c.used_at),
                }
                for c in changes
            ],
        }
    )


@register_eraser("membership-details")
def erase_membership_details(user: User) -> None:
    """The address and email changes go; verification links stop working; payments stay
    (the accounts need them) but hold no personal data beyond the account's number."""
    user.postal_address = ""
    db.session.execute(delete(EmailChange).where(EmailChange.user_id == user.id))
    if user.membership is not None:
        db.session.execute(
            delete(MembershipCheck).where(MembershipCheck.membership_id == user.membership.id)
        )
    db.session.flush()
