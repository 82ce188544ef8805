"""An employer contact's pages."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from portal.employer import bp


@bp.route("/")
def dashboard():
    organisation = current_user.organisation
    return render_template("employer/dashboard.html", organisation=organisation)
