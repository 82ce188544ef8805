"""The centre's application for approval, in steps, with a draft it can come back to
(CHARTER.md section 4, ``centre-approval``)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from portal.accounts.models import OrgKind
from portal.approvals import documents, queue, services, steps
from portal.approvals.forms import (
    ContactsStepForm,
    DocumentForm,
    OrganisationStepForm,
    QualificationsStepForm,
    QualityStepForm,
    RespondForm,
    SubmitApplicationForm,
)
from portal.approvals.models import ApplicationStatus, CentreDocument
from portal.approvals.responses import live_json, send_document
from portal.centre import bp
from portal.extensions import db
from portal.security import policy

STEP_FORMS = {
    "organisation": OrganisationStepForm,
    "contacts": ContactsStepForm,
    "qualifications": QualificationsStepForm,
    "quality": QualityStepForm,
}


def _organisation():
    organisation = current_user.organisation
    if organisation is None or organisation.kind != OrgKind.CENTRE:
        abort(404)
    return organisation


def _application():
    application = services.current_application(_organisation())
    if application is None:
        abort(404)
    return application


def _next_step(step: str) -> str:
    order = steps.STEPS
    position = order.index(step)
    following = order[position + 1] if position + 1 < len(order) else None
    if following == "documents":
        return url_for("centre.application_documents")
    if following is None:
        return url_for("centre.application")
    return url_for("centre.application_step", step=following)


@bp.route("/application")
def application():
    organisation = _organisation()
    current = services.current_application(organisation)
    if current is None:
        if organisation.is_approved:
            return redirect(url_for("centre.dashboard"))
        return render_template("centre/application_start.html", organisation=organisation)
    return _render_overview(current, SubmitApplicationForm(), RespondForm())


def _render_overview(application, submit_form, respond_form, incomplete=None):
    problems = steps.step_problems(application)
    info_request = next(
        (e for e in reversed(application.events) if e.kind == "info_requested"), None
    )
    return render_template(
        "centre/application.html",
        application=application,
        steps=[
            (step, steps.STEP_TITLES[step], steps.step_state(application, step))
            for step in steps.STEPS
        ],
        problems=problems,
        incomplete=incomplete or [],
        submit_form=submit_form,
        respond_form=respond_form,
        info_request=info_request,
    )


@bp.route("/application/start", methods=["POST"])
def application_start():
    organisation = _organisation()
    try:
        services.start_application(organisation, current_user)
    except services.CentreError as exc:
        flash(str(exc), "info")
        return redirect(url_for("centre.dashboard"))
    return redirect(url_for("centre.application_step", step=steps.STEPS[0]))


def _step_form(form_class, step: str, application):
    """A step's form, filled from the application when the page is first shown."""
    if step != "qualifications":
        return form_class(obj=application if request.method == "GET" else None)
    form = form_class(
        data=None
        if request.method == "POST"
        else {"qualifications": [q.id for q in application.qualifications]}
    )
    form.qualifications.choices = [
        SelectChoice(q.id, q.label) for q in steps.qualification_catalogue()
    ]
    return form


SAVED_FOR_LATER = (
    "Your answers are saved. You can come back and finish the application at any time."
)


@bp.route("/application/step/<step>", methods=["GET", "POST"])
def application_step(step: str):
    form_class = STEP_FORMS.get(step)
    if form_class is None:
        abort(404)
    application = _application()
    if not application.is_editable:
        flash("This application has been sent, so it can no longer be changed.", "info")
        return redirect(url_for("centre.application"))
    form = _step_form(form_class, step, application)
    if form.validate_on_submit():
        services.save_step(application, step, form.values())
        if form.save_draft.data:
            flash(SAVED_FOR_LATER, "success")
            return redirect(url_for("centre.application"))
        return redirect(_next_step(step))
    return render_template(
        f"centre/application_{step}.html",
        form=form,
        application=application,
        step=step,
        title=steps.STEP_TITLES[step],
        number=steps.STEPS.index(step) + 1,
        count=len(steps.STEPS),
    )


@bp.route("/application/documents", methods=["GET", "POST"])
def application_documents():
    application = _application()
    form = DocumentForm()
    if request.method == "POST" and not application.is_editable:
        flash("This application has been sent, so it can no longer be changed.", "info")
        return redirect(url_for("centre.application"))
    if form.validate_on_submit():
        upload = form.file.data
        try:
            document = documents.add_document(
                application, current_user, form.title.data, upload.filename, upload.stream
            )
        except services.CentreError as exc:
            db.session.rollback()  # the page is shown again (200): commit nothing of it
            form.file.errors = [str(exc)]
        else:
            flash(f"“{document.title}” is uploaded.", "success")
            return redirect(url_for("centre.application_documents"))
    return render_template(
        "centre/application_documents.html",
        form=form,
        application=application,
        number=steps.STEPS.index("documents") + 1,
        count=len(steps.STEPS),
        title=steps.STEP_TITLES["documents"],
    )


@bp.route("/application/documents/<int:document_id>")
def application_document(document_id: int):
    return send_document(policy.get_or_404(CentreDocument, document_id))


@bp.route("/application/documents/<int:document_id>/remove", methods=["POST"])
def application_document_remove(document_id: int):
    document = policy.get_or_404(CentreDocument, document_id, "change")
    title = document.title
    try:
        documents.remove_document(document)
    except services.CentreError as exc:
        flash(str(exc), "error")
        return redirect(url_for("centre.application"))
    flash(f"“{title}” is removed.", "success")
    return redirect(url_for("centre.application_documents"))


@bp.route("/application/submit", methods=["POST"])
def application_submit():
    application = _application()
    form = SubmitApplicationForm()
    if application.status != ApplicationStatus.DRAFT:
        flash("This application has already been sent.", "info")
        return redirect(url_for("centre.application"))
    incomplete = [
        (step, steps.STEP_TITLES[step], problems)
        for step, problems in steps.step_problems(application).items()
        if problems
    ]
    if form.validate_on_submit() and not incomplete:
        services.submit_application(application, current_user)
        flash("Your application is sent. We have emailed you the decision date.", "success")
        return redirect(url_for("centre.application"))
    return _render_overview(application, form, RespondForm(), incomplete)


@bp.route("/application/respond", methods=["POST"])
def application_respond():
    application = _application()
    form = RespondForm()
    if application.status != ApplicationStatus.MORE_INFO:
        flash("We are not waiting for information on this application.", "info")
        return redirect(url_for("centre.application"))
    if form.validate_on_submit():
        services.provide_information(application, current_user, form.message.data)
        flash("Thank you. Your reply is with our team and the decision date is updated.", "success")
        return redirect(url_for("centre.application"))
    return _render_overview(application, SubmitApplicationForm(), form)


@bp.route("/application/status.json")
def application_status():
    """The application's status for the page's live updates (CHARTER §6)."""
    return live_json(queue.live_status(_application()))
