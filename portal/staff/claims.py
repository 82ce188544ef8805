"""Staff and centres' claims (issue 20): each centre and qualification's sign-off route, and
reissuing an e-certificate (a reprint or correction supersedes the old code)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts.models import Organisation
from portal.approvals.services import CentreError
from portal.certificates import claims, ecert
from portal.certificates import services as completions
from portal.certificates.forms import ReissueForm, SignOffRouteForm
from portal.certificates.models import Completion
from portal.extensions import db
from portal.security import policy
from portal.staff import bp


@bp.route("/centres/sign-off")
def centre_sign_off_centres():
    """Approved centres, each with a link to its sign-off routes."""
    return render_template("staff/centres/sign_off_centres.html",
                           centres=completions.approved_centres())


def _centre(organisation_id: int) -> Organisation:
    centre = db.session.get(Organisation, organisation_id)
    if centre is None or centre.kind != "centre" or not centre.is_approved:
        abort(404)
    return centre


@bp.route("/centres/<int:organisation_id>/sign-off", methods=["GET", "POST"])
def centre_sign_off_routes(organisation_id: int):
    """Who signs off this centre's claims, qualification by qualification."""
    centre = _centre(organisation_id)
    routes = claims.routes_of(centre.id)
    qualifications = [q for q in completions.approved_qualifications(centre) if q.id in routes]
    forms = {q.id: SignOffRouteForm(prefix=f"q{q.id}", route=routes[q.id])
             for q in qualifications}
    for qualification in qualifications:
        form = forms[qualification.id]
        if form.submit.data and form.validate_on_submit():
            try:
                claims.set_sign_off_route(centre, qualification.id, form.route.data,
                                          current_user)
            except CentreError as exc:
                db.session.rollback()
                form.form_errors.append(str(exc))
                break
            flash(f"Sign-off route saved for {qualification.code}.", "success")
            return redirect(url_for("staff.centre_sign_off_routes",
                                    organisation_id=centre.id))
    return render_template("staff/centres/sign_off_routes.html", centre=centre,
                           qualifications=qualifications, forms=forms)


@bp.route("/centres/certificates/<int:completion_id>/reissue", methods=["POST"])
def centre_certificate_reissue(completion_id: int):
    """A reprint or correction: a new verification code; the old one says it was replaced."""
    completion = policy.get_or_404(Completion, completion_id)
    form = ReissueForm()
    if not form.validate_on_submit():
        flash("Say why the certificate is being reissued.", "error")
    else:
        try:
            code = ecert.reissue(completion, current_user, form.reason.data,
                                 form.learner_name.data or "")
        except CentreError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash(f"Reissued with the new verification code {code.code}.", "success")
    return redirect(url_for("staff.centre_certificate", completion_id=completion.id))
