"""A learning centre user's pages: the dashboard. Approval is in application.py and the
learners' certificates in learners.py."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from portal.approvals import services
from portal.centre import bp
from portal.certificates.services import dashboard_counts
from portal.settings.services import current_promises


@bp.route("/")
def dashboard():
    organisation = current_user.organisation
    application = counts = None
    if organisation is not None and not organisation.is_approved:
        application = services.current_application(organisation)
    elif organisation is not None:
        counts = dashboard_counts(organisation.id)
    return render_template(
        "centre/dashboard.html",
        organisation=organisation,
        application=application,
        counts=counts,
        # The centre-support promise as it stands in the settings (CHARTER.md section 4).
        centre_support_sentence=current_promises()["centre-support"].description,
    )
