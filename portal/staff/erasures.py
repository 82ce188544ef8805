"""Erasure requests (docs/SECURITY.md, V14): staff carry them out within a calendar month."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.extensions import db
from portal.privacy import services
from portal.privacy.forms import CarryOutForm
from portal.privacy.models import ErasureRequest
from portal.staff import bp


@bp.route("/erasure-requests")
def erasure_requests():
    return render_template("staff/erasure_requests.html", rows=services.erasure_queue(),
                           overdue=services.overdue, form=CarryOutForm())


@bp.route("/erasure-requests/<int:request_id>", methods=["POST"])
def carry_out_erasure(request_id: int):
    row = db.session.get(ErasureRequest, request_id) or abort(404)
    form = CarryOutForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.carry_out_erasure(row, current_user._get_current_object())
    except services.PrivacyError as exc:
        db.session.rollback()  # the redirect commits: keep nothing of the refused erasure
        flash(str(exc), "error")
    else:
        flash("The person's data has been erased and their account closed.", "success")
    return redirect(url_for("staff.erasure_requests"))
