"""An employer contact's pages: their dedicated support contact, and support requests."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from portal.employer import bp, services


@bp.route("/")
def dashboard():
    context = services.dashboard(current_user.organisation)
    return render_template("employer/dashboard.html", **context)
