"""A person's own data (docs/SECURITY.md, V14): download it, or ask for it to be erased."""

from __future__ import annotations

from flask import Response, render_template
from flask_login import current_user, login_required

from portal.auth import bp
from portal.database import utcnow
from portal.privacy import services
from portal.privacy.forms import DownloadForm, ErasureForm


@bp.route("/my-data/", methods=["GET", "POST"])
@login_required
def my_data():
    form = DownloadForm()
    if form.validate_on_submit():
        content = services.export_zip(current_user._get_current_object())
        stamp = utcnow().strftime("%Y-%m-%d")
        return Response(
            content,
            mimetype="application/zip",
            headers={"Content-Disposition": f'attachment; filename="my-data-{stamp}.zip"'},
        )
    return render_template(
        "auth/my_data/my_data.html", form=form, pending=services.open_request(current_user)
    )


@bp.route("/my-data/erase", methods=["GET", "POST"])
@login_required
def request_erasure():
    existing = services.open_request(current_user)
    form = ErasureForm()
    if existing is None and form.validate_on_submit():
        row = services.request_erasure(current_user._get_current_object(), form.reason.data or "")
        return render_template("auth/my_data/erasure_requested.html", row=row)
    return render_template("auth/my_data/erase.html", form=form, existing=existing)
