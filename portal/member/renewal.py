"""Renewing (or rejoining), each payment's page, and proof of membership: the member's side
of docs/PAYMENTS.md."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from portal.member import bp
from portal.member import services as member_services
from portal.member.forms import RenewForm
from portal.membership import proof
from portal.payments import providers, services


def _renew_page(form: RenewForm, status: int = 200, problem: str = ""):
    return render_template(
        "member/renew.html", **services.renew_page(current_user, form), problem=problem
    ), status


@bp.route("/renew", methods=["GET", "POST"])
def renew():
    """Confirm grade and details, choose how to pay, and go to the provider's page."""
    form = RenewForm()
    if not services.can_pay(current_user):
        return _renew_page(form)
    form.provider.choices = services.provider_choices()
    if form.validate_on_submit():
        try:
            payment = services.start_payment(
                current_user, form.provider.data, form.submission_key.data or ""
            )
        except providers.ProviderUnavailable:
            return _renew_page(form, 503, "unavailable")
        except services.PaymentRefused:
            return _renew_page(form, 409, "refused")
        if payment.status != "started":  # this form was used and has finished
            return redirect(url_for("member.payment_status", payment_id=payment.id), 303)
        return redirect(payment.checkout_url, 303)
    form.fresh_key()
    return _renew_page(form, 422 if form.errors else 200)


@bp.route("/payments/<int:payment_id>")
def payment_status(payment_id: int):
    """Where the provider sends the member back: waiting for the provider's confirmation,
    then the new renewal date and the receipt. The page keeps itself current."""
    payment = services.own_payment(current_user, payment_id)
    if payment is None:
        abort(404)
    headers = {"Cache-Control": "no-store"}
    template = "member/payment_status.html"
    if request.headers.get("X-Fragment"):
        template, headers["X-Fragment"] = "member/_payment_status.html", "1"
    page = render_template(template, payment=payment, membership=payment.membership)
    return page, 200, headers


@bp.route("/membership/certificate.pdf")
def membership_certificate():
    found = proof.certificate_pdf(current_user)
    if found is None:
        abort(404)
    return send_file(found, mimetype="application/pdf", download_name="membership-certificate.pdf")


@bp.route("/membership/card.pdf")
def membership_card():
    found = proof.card_pdf(current_user)
    if found is None:
        abort(404)
    return send_file(found, mimetype="application/pdf", download_name="membership-card.pdf")


@bp.route("/membership/check-link", methods=["POST"])
def membership_check_link():
    """Stop the old verification link working and make a new one."""
    proof.replace_check(current_user)
    return redirect(url_for("member.membership_page") + "#proof-heading", 303)


@bp.route("/membership")
def membership_page():
    """Payments, and the certificate, card and verification link."""
    return render_template(
        "member/membership.html", **member_services.membership_page(current_user)
    )
