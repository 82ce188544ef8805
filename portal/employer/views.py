"""An employer contact's pages."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from portal.employer import bp
from portal.employer.services import support_cover


@bp.route("/")
def dashboard():
    organisation = current_user.organisation
    cover = support_cover(organisation) if organisation is not None else None
    return render_template("employer/dashboard.html", organisation=organisation, cover=cover)
