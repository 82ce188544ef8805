"""Paying for membership: the payment interface, its providers, and the provider-facing
pages (signed webhooks, and the demo provider's pretend payment page)."""

from flask import Blueprint

bp = Blueprint("payments", __name__, url_prefix="/payments")

from portal.payments import views  # noqa: E402,F401
