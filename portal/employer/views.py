"""An employer contact's pages: their dedicated support contact, and support requests."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from portal.employer import bp
from portal.employer.services import support_cover
from portal.requests import organisation as org_requests
from portal.requests.forms import EmployerSupportForm


@bp.route("/")
def dashboard():
    organisation = current_user.organisation
    cover = support_cover(organisation) if organisation is not None else None
    open_requests = (
        org_requests.organisation_requests(organisation.id, open_only=True, limit=5)
        if organisation is not None
        else []
    )
    return render_template(
        "employer/dashboard.html",
        organisation=organisation,
        cover=cover,
        open_requests=open_requests,
    )


def _route_to_cover(user):
    """Same-day enquiries go to the dedicated contact, or the deputy while they are away."""
    return support_cover(user.organisation).handler


org_requests.add_routes(bp, "employer", EmployerSupportForm, route_to=_route_to_cover)
