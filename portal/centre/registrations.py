"""An approved centre's registered learners (issue 20): register one or a file of them,
the learner list, each learner's page with every stage and its date, claims, upload reports
with their rejected rows, and the e-certificate download."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from portal.approvals.responses import live_json
from portal.approvals.services import CentreError
from portal.centre import bp
from portal.centre.learners import _approved_organisation
from portal.certificates import claims, ecert, registrations, tracker, uploads
from portal.certificates import services as completions
from portal.certificates.forms import (
    ClaimForm,
    LearnerSearchForm,
    RegistrationForm,
    UploadCompletionsForm,
    UploadRegistrationsForm,
)
from portal.certificates.models import Completion
from portal.database import utcnow
from portal.extensions import db
from portal.security import policy
from portal.security.inputs import query_int
from portal.urls import external_url

CSV_HEADERS = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


def _registration(registration_id: int):
    organisation = _approved_organisation()
    return registrations.registration_for(organisation.id, registration_id) or abort(404)


@bp.route("/registered")
def registered_learners():
    """Every registered learner, newest first, with their latest claim's stage."""
    organisation = _approved_organisation()
    form = LearnerSearchForm(formdata=request.args)
    search = form.q.data if form.validate() and form.q.data else ""
    after = query_int("after")
    rows, next_after, total = registrations.learner_page(organisation.id, search=search,
                                                         after=after)
    return render_template("centre/registered.html", form=form, rows=rows, total=total,
                           after=after, next_after=next_after, search=search,
                           qualifications=tracker.qualifications_by_id(),
                           count_cap=registrations.COUNT_CAP)


@bp.route("/registered/new", methods=["GET", "POST"])
def registration_new():
    organisation = _approved_organisation()
    form = RegistrationForm()
    form.qualification.choices = [
        SelectChoice(q.id, q.label) for q in completions.approved_qualifications(organisation)
    ]
    if form.validate_on_submit():
        try:
            made = registrations.register_learner(
                organisation, current_user, learner_name=form.learner_name.data,
                learner_ref=form.learner_ref.data, qualification_id=form.qualification.data,
                started_on=form.started_on.data)
        except CentreError as exc:
            db.session.rollback()  # the form is shown again (200): commit nothing of it
            form.form_errors.append(str(exc))
        else:
            flash(f"{made.learner_name} is registered.", "success")
            return redirect(url_for("centre.registered_learner", registration_id=made.id))
    return render_template("centre/registration_new.html", form=form)


def _upload_page(kind: str, form, template: str):
    """Shared by both uploads: check the file, keep the good rows and the report."""
    organisation = _approved_organisation()
    report = result = None
    if form.validate_on_submit():
        data = form.file.data
        try:
            report, result = uploads.upload(kind, organisation, current_user,
                                            data.filename or "", data.read())
        except CentreError as exc:
            db.session.rollback()  # the page is shown again (200): commit nothing of it
            form.file.errors = [str(exc)]
    return render_template(template, form=form, report=report, result=result,
                           report_limit=1000, columns=uploads.HEADERS[kind])


@bp.route("/registered/upload", methods=["GET", "POST"])
def registrations_upload():
    return _upload_page("registrations", UploadRegistrationsForm(),
                        "centre/registrations_upload.html")


@bp.route("/learners/upload", methods=["GET", "POST"])
def learners_upload():
    """A file of completions (full claims), checked row by row like registrations."""
    return _upload_page("completions", UploadCompletionsForm(), "centre/learners_upload.html")


@bp.route("/registered/template.csv")
def registrations_template():
    _approved_organisation()
    return Response(registrations.template_csv(), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="registrations-template.csv"'})


@bp.route("/uploads/columns")
def upload_help():
    """Every column of each upload, what it accepts, and what makes a row come back."""
    _approved_organisation()
    return render_template("centre/upload_help.html")


@bp.route("/uploads/<int:report_id>/rejects.csv")
def upload_rejects(report_id: int):
    """The rows of one upload we could not use, with a reason column, to fix and send again."""
    organisation = _approved_organisation()
    report = uploads.report_for(organisation.id, report_id)
    if report is None or not report.rejects_csv:
        abort(404)
    name = f"{report.kind}-rejected-rows-{report.id}.csv"
    return Response(report.rejects_csv, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'}
                    | CSV_HEADERS)


def _render_learner(registration, form=None, status: int = 200):
    now = utcnow()
    claimed = registration.claims
    return render_template(
        "centre/registered_learner.html", registration=registration, now=now,
        claims=claimed, latest=claimed[-1] if claimed else None, form=form or ClaimForm(),
        check_wording=claims.check_wording, post_wording=claims.post_wording,
        arrival_text=completions.arrival_text, route=claims.routes_of(
            registration.organisation_id).get(registration.qualification_id),
    ), status


@bp.route("/registered/<int:registration_id>")
def registered_learner(registration_id: int):
    """The learner's page: each stage with its date and, where a promise applies, its due
    date; kept current without a reload."""
    return _render_learner(_registration(registration_id))


@bp.route("/registered/<int:registration_id>/claim", methods=["POST"])
def registered_learner_claim(registration_id: int):
    registration = _registration(registration_id)
    form = ClaimForm()
    if form.validate_on_submit():
        try:
            claims.claim(registration, current_user, claim_kind=form.claim_kind.data,
                         units=form.units.data, completed_on=form.completed_on.data,
                         assessment_signed_off=form.assessment_signed_off.data)
        except CentreError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash("Claim sent.", "success")
            return redirect(url_for("centre.registered_learner", registration_id=registration.id))
    return _render_learner(registration, form)


@bp.route("/registered/<int:registration_id>/state.json")
def registered_learner_state(registration_id: int):
    """The latest claim's stage for the page's live updates (CHARTER §6)."""
    registration = _registration(registration_id)
    latest = registration.claims[-1] if registration.claims else None
    return live_json(claims.live_state(latest, utcnow()))


@bp.route("/learners/<int:completion_id>/certificate.pdf")
def learner_certificate(completion_id: int):
    """The e-certificate, with its verification code and a QR code to check it."""
    _approved_organisation()
    completion = policy.get_or_404(Completion, completion_id)
    if completion.status not in ecert.ISSUED:
        abort(404)
    code = ecert.current_code(completion) or ecert.issue_code(completion)
    db.session.flush()
    url = external_url("visitor.verify_certificate_code", code=code.code)
    return Response(ecert.certificate_pdf(completion, code, url), mimetype="application/pdf",
                    headers={"Content-Disposition":
                             f'attachment; filename="{completion.certificate_number}.pdf"'}
                    | CSV_HEADERS)
