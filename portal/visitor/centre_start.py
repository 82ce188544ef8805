"""A learning organisation new to us registers itself and its first user, then applies for
approval once the email address is confirmed (CHARTER.md section 4, ``centre-approval``)."""

from __future__ import annotations

from flask import redirect, render_template
from flask_login import current_user

from portal.accounts.access import dashboard_url
from portal.approvals import services
from portal.approvals.forms import StartCentreForm
from portal.settings.services import current_promises
from portal.visitor import bp


@bp.route("/centre-application/start", methods=["GET", "POST"])
def centre_application_start():
    if current_user.is_authenticated:
        return redirect(dashboard_url(current_user))
    form = StartCentreForm()
    if form.validate_on_submit():
        services.register_centre_applicant(
            form.organisation_name.data, form.full_name.data, form.email.data, form.password.data
        )
        # The same page whether or not the address was already registered.
        return render_template("auth/verify_pending.html", email=form.email.data.strip())
    promise = current_promises()[services.PROMISE]
    return render_template("visitor/centre_start.html", form=form, promise=promise)
