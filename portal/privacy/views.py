"""A person's own data: download it, ask for it to be erased; staff carry erasures out."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.database import utcnow
from portal.extensions import db
from portal.privacy import bp, services
from portal.privacy.forms import CarryOutForm, DownloadForm, ErasureForm
from portal.privacy.models import ErasureRequest
from portal.staff import bp as staff_bp


@bp.route("/", methods=["GET", "POST"])
def my_data():
    form = DownloadForm()
    if form.validate_on_submit():
        content = services.export_zip(current_user._get_current_object())
        db.session.commit()
        stamp = utcnow().strftime("%Y-%m-%d")
        return Response(
            content,
            mimetype="application/zip",
            headers={"Content-Disposition": f'attachment; filename="my-data-{stamp}.zip"'},
        )
    return render_template(
        "privacy/my_data.html", form=form, pending=services.open_request(current_user)
    )


@bp.route("/erase", methods=["GET", "POST"])
def request_erasure():
    existing = services.open_request(current_user)
    form = ErasureForm()
    if existing is None and form.validate_on_submit():
        row = services.request_erasure(current_user._get_current_object(), form.reason.data or "")
        db.session.commit()
        return render_template("privacy/erasure_requested.html", row=row)
    return render_template("privacy/erase.html", form=form, existing=existing)


@staff_bp.route("/erasure-requests")
def erasure_requests():
    rows = db.session.scalars(
        select(ErasureRequest).order_by(ErasureRequest.status, ErasureRequest.due_on)
    ).all()
    return render_template(
        "privacy/staff_requests.html", rows=rows, overdue=services.overdue, form=CarryOutForm()
    )


@staff_bp.route("/erasure-requests/<int:request_id>", methods=["POST"])
def carry_out_erasure(request_id: int):
    row = db.session.get(ErasureRequest, request_id) or abort(404)
    form = CarryOutForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.carry_out_erasure(row, current_user._get_current_object())
    except services.PrivacyError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash("The person's data has been erased and their account closed.", "success")
    return redirect(url_for("staff.erasure_requests"))
