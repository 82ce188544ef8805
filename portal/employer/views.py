"""An employer contact's pages: their dedicated support contact, and support requests."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from portal.accounts.absences import support_cover
from portal.employer import bp
from portal.requests import services


@bp.route("/")
def dashboard():
    organisation = current_user.organisation
    cover = support_cover(organisation) if organisation is not None else None
    open_requests = (
        services.organisation_requests(organisation.id, open_only=True, limit=5)
        if organisation is not None
        else []
    )
    return render_template(
        "employer/dashboard.html",
        organisation=organisation,
        cover=cover,
        open_requests=open_requests,
    )

