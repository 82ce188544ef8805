"""Pages the payment providers use: each provider's signed webhook, and the demo provider's
pretend payment page (the member's own pages are in ``portal/member/renewal.py``)."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.extensions import csrf
from portal.payments import bp, demo
from portal.payments import providers as p
from portal.payments.webhooks import handle_webhook


def _webhook(provider_name: str):
    try:
        count = handle_webhook(provider_name, request.get_data(cache=False), request.headers)
    except p.BadSignature:
        return {"error": "signature not accepted"}, 400
    except p.NotUnderstood:
        return {"error": "not understood"}, 400
    return {"received": count}, 200


@bp.route("/webhooks/stripe", methods=["POST"])
@csrf.exempt  # the provider signs the body; there is no session or form token
def stripe_webhook():
    return _webhook("stripe")


@bp.route("/webhooks/gocardless", methods=["POST"])
@csrf.exempt  # the provider signs the body; there is no session or form token
def gocardless_webhook():
    return _webhook("gocardless")


@bp.route("/webhooks/demo", methods=["POST"])
@csrf.exempt  # signed like the real providers' webhooks
def demo_webhook():
    if not current_app.config.get("PAYMENTS_DEMO_ALLOWED"):
        abort(404)
    return _webhook("demo")


@bp.route("/demo/<session_id>", methods=["GET", "POST"])
@login_required
def demo_checkout(session_id: str):
    """The demo provider's payment page: no money moves (docs/PAYMENTS.md)."""
    payment = demo.payment_for_session(current_user, session_id)
    if payment is None:
        abort(404)
    if request.method == "POST":
        demo.finish(payment, pay=request.form.get("action") == "pay")
        return redirect(url_for("member.payment_status", payment_id=payment.id))
    return render_template("payments/demo_checkout.html", payment=payment)
