"""Payments staff must see: paid but not applied (the membership changed meanwhile) or
failed, with the latest of all; and changing a member's renewal date with a reason."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.extensions import db
from portal.membership import lapse
from portal.payments import services
from portal.payments.models import Payment
from portal.staff import bp
from portal.staff.forms import StaffRenewalDateForm


@bp.route("/payments")
def payments():
    return render_template("staff/payments.html", **services.payments_for_staff())


@bp.route("/payments/<int:payment_id>/resolve", methods=["POST"])
def payment_resolve(payment_id: int):
    payment = db.session.get(Payment, payment_id)
    note = (request.form.get("note") or "").strip()
    if payment is None:
        abort(404)
    if not note:
        flash(
            "Say what you did about this payment (for example, refunded or renewed by hand).",
            "error",
        )
        return redirect(url_for("staff.payments"))
    services.resolve_payment(payment, current_user, note)
    flash(f"{payment.reference} is marked as dealt with.", "success")
    return redirect(url_for("staff.payments"))


@bp.route("/members/<int:user_id>/renewal-date", methods=["GET", "POST"])
def member_renewal_date(user_id: int):
    """Change a member's renewal date; the reason is kept in the audit log and the reminder
    for the new date is armed."""
    member = lapse.member_for_staff(user_id)
    if member is None:
        abort(404)
    form = StaffRenewalDateForm()
    if request.method == "GET":
        form.renewal_date.data = member.membership.renewal_date
    if form.validate_on_submit():
        lapse.change_renewal_date(member, form.renewal_date.data, form.reason.data, current_user)
        flash(f"{member.full_name}'s renewal date is now changed.", "success")
        return redirect(url_for("staff.member_renewal_date", user_id=user_id))
    status = 422 if form.errors else 200
    return render_template("staff/renewal_date.html", form=form, member=member), status
