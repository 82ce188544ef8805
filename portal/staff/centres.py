"""Staff pages for learning centres: approval applications and certificates
(CHARTER.md sections 4, 5 and 7: the queue orders by what falls due first)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.approvals import queue, services, steps
from portal.approvals.forms import ApproveForm, DeclineForm, RequestInfoForm
from portal.approvals.models import CentreApplication, CentreDocument
from portal.approvals.responses import send_document
from portal.audit.services import record_view
from portal.certificates import services as completions
from portal.certificates.forms import (
    BulkCertificatesForm,
    DispatchForm,
    ReissueForm,
    RejectCompletionForm,
    ReturnForm,
)
from portal.certificates.models import CERTIFICATE_STATUS_LABELS, CertificateStatus, Completion
from portal.charter import POSTAGE_LABELS
from portal.database import utcnow
from portal.extensions import db
from portal.security import policy
from portal.security.inputs import query_int
from portal.staff import bp

# -- applications ------------------------------------------------------------------------------


@bp.route("/centres/")
def centre_applications():
    now = utcnow()
    rows = [(a, queue.progress(a, now)) for a in queue.open_applications()]
    return render_template(
        "staff/centres/applications.html",
        rows=rows,
        decided=queue.decided_applications(),
    )


def _application(application_id: int) -> CentreApplication:
    # The policy keeps drafts the centre's own until sent (portal.security.policy).
    return policy.get_or_404(CentreApplication, application_id)


def _render_application(application, info_form=None, approve_form=None, decline_form=None):
    return render_template(
        "staff/centres/application.html",
        application=application,
        progress=queue.progress(application) if application.is_open else None,
        info_form=info_form or RequestInfoForm(),
        approve_form=approve_form or ApproveForm(),
        decline_form=decline_form or DeclineForm(),
        step_titles=steps.STEP_TITLES,
    )


@bp.route("/centres/applications/<int:application_id>")
def centre_application(application_id: int):
    application = _application(application_id)
    # Staff opened a customer's record: audited (issue #8); the page writes nothing else.
    record_view(application.created_by, application, summary=application.organisation.name)
    return _render_application(application)


def _decide(application_id: int, form, form_name: str, act, done) -> object:
    """One staff decision on an application: a form, a service call, and the page again with
    the form's errors or the service's refusal (nothing of a refused decision is kept)."""
    application = _application(application_id)
    if not form.validate_on_submit():
        return _render_application(application, **{form_name: form})
    try:
        act(application)
    except services.CentreError as exc:
        db.session.rollback()  # a refused decision keeps nothing, though the redirect commits
        flash(str(exc), "error")
    else:
        flash(done(application), "success")
    return redirect(url_for("staff.centre_application", application_id=application.id))


@bp.route("/centres/applications/<int:application_id>/request-info", methods=["POST"])
def centre_application_request_info(application_id: int):
    form = RequestInfoForm()
    return _decide(
        application_id, form, "info_form",
        lambda a: services.request_more_information(a, current_user, form.message.data),
        lambda a: "The centre has been asked for more information; the clock is paused.",
    )


@bp.route("/centres/applications/<int:application_id>/approve", methods=["POST"])
def centre_application_approve(application_id: int):
    form = ApproveForm()
    return _decide(
        application_id, form, "approve_form",
        lambda a: services.approve_application(a, current_user, form.note.data or ""),
        lambda a: f"Approved. Centre number {a.organisation.reference} is issued.",
    )


@bp.route("/centres/applications/<int:application_id>/decline", methods=["POST"])
def centre_application_decline(application_id: int):
    form = DeclineForm()
    return _decide(
        application_id, form, "decline_form",
        lambda a: services.decline_application(a, current_user, form.reasons.data),
        lambda a: "Declined. The centre has been emailed your reasons.",
    )


@bp.route("/centres/documents/<int:document_id>")
def centre_document(document_id: int):
    document = policy.get_or_404(CentreDocument, document_id)
    response = send_document(document)
    record_view(document.application.created_by, document, summary=document.title)
    return response


# -- certificates -----------------------------------------------------------------------------

QUEUE_STATUSES = [
    CertificateStatus.RECORDED,
    CertificateStatus.SIGNED_OFF,
    CertificateStatus.PRINTED,
    CertificateStatus.DISPATCHED,
    CertificateStatus.RETURNED,
    CertificateStatus.REJECTED,
]


def _queue_status() -> str:
    status = request.args.get("status", CertificateStatus.RECORDED.value)
    if status not in {s.value for s in QUEUE_STATUSES}:
        abort(404)
    return status


def _render_queue(status: str, bulk_form: BulkCertificatesForm, selected=frozenset()):
    centre_id = query_int("centre")
    after = query_int("after")
    rows, next_after, total = completions.staff_queue(status, centre_id, after)
    return render_template(
        "staff/centres/certificates.html",
        status=status,
        statuses=[(s.value, CERTIFICATE_STATUS_LABELS[s]) for s in QUEUE_STATUSES],
        rows=rows,
        total=total,
        next_after=next_after,
        after=after,
        centres=completions.approved_centres(),
        centre_id=centre_id,
        bulk_form=bulk_form,
        selected=selected,
        now=utcnow(),
        can_bulk=status in ("recorded", "signed_off", "printed"),
    )


@bp.route("/centres/certificates")
def centre_certificates():
    status = _queue_status()
    form = BulkCertificatesForm()
    form.action.data = {"signed_off": "printed", "printed": "dispatched"}.get(status, "sign_off")
    return _render_queue(status, form)


@bp.route("/centres/certificates/bulk", methods=["POST"])
def centre_certificates_bulk():
    """Sign off, print or post the ticked certificates in one go."""
    status = _queue_status()
    form = BulkCertificatesForm()
    # isdigit() is true of "²" and other Unicode digits int() refuses, and a 30-digit id
    # overflows the database's integer: ASCII digits, at most 9, and at most ten pages' worth.
    ids = [int(v) for v in request.form.getlist("ids")
           if v.isascii() and v.isdigit() and len(v) <= 9][:1000]
    if form.validate_on_submit():
        if not ids:
            form.form_errors.append("Tick at least one learner.")
        else:
            chosen = completions.completions_by_ids(ids)
            try:
                count = completions.move_on(
                    chosen, form.action.data, current_user, **_form_values(form)
                )
            except services.CentreError as exc:
                db.session.rollback()  # the page is shown again (200): commit nothing of it
                form.form_errors.append(str(exc))
            else:
                flash(*_moved_message(count, len(chosen), form.action.data))
                return redirect(url_for("staff.centre_certificates", status=status))
    return _render_queue(status, form, frozenset(ids))


#: What a bulk step did, for "3 certificates signed off."
DONE_WORDS = {"sign_off": "signed off", "printed": "marked as printed",
              "dispatched": "marked as posted"}


def _moved_message(count: int, chosen: int, step: str) -> tuple[str, str]:
    message = f"{count} {'certificate' if count == 1 else 'certificates'} {DONE_WORDS[step]}."
    if chosen - count:
        message += f" {chosen - count} skipped: they were not at the right stage for that."
    return message, "success" if count else "info"


def _form_values(form) -> dict[str, str]:
    """The words a step needs from its form (none for a sign-off or printing)."""
    names = ("postage_class", "tracking_reference", "reason", "note")
    return {name: getattr(form, name).data or "" for name in names if hasattr(form, name)}


def _completion(completion_id: int) -> Completion:
    return policy.get_or_404(Completion, completion_id)


def _render_certificate(completion, reject_form=None, dispatch_form=None, return_form=None):
    return render_template(
        "staff/centres/certificate.html",
        completion=completion,
        now=utcnow(),
        arrival=completions.arrival_text(completion),
        postage_labels=POSTAGE_LABELS,
        reject_form=reject_form or RejectCompletionForm(),
        dispatch_form=dispatch_form or DispatchForm(),
        return_form=return_form or ReturnForm(),
        reissue_form=ReissueForm(),
    )


@bp.route("/centres/certificates/<int:completion_id>")
def centre_certificate(completion_id: int):
    return _render_certificate(_completion(completion_id))


#: A certificate page's buttons: the step each takes, its form and the page's name for it.
ACTIONS = {
    "sign-off": ("sign_off", None, ""),
    "printed": ("printed", None, ""),
    "reject": ("rejected", RejectCompletionForm, "reject_form"),
    "dispatch": ("dispatched", DispatchForm, "dispatch_form"),
    "returned": ("returned", ReturnForm, "return_form"),
}


@bp.route("/centres/certificates/<int:completion_id>/<action>", methods=["POST"])
def centre_certificate_action(completion_id: int, action: str):
    """One certificate's next step: sign-off, printed, posted, returned or turned down."""
    completion = _completion(completion_id)
    if action not in ACTIONS:
        abort(404)
    step, form_class, form_name = ACTIONS[action]
    form = form_class() if form_class else None
    if form is not None and not form.validate_on_submit():
        return _render_certificate(completion, **{form_name: form})
    page = redirect(url_for("staff.centre_certificate", completion_id=completion.id))
    try:
        moved = completions.move_on(
            [completion], step, current_user, **(_form_values(form) if form else {})
        )
    except services.CentreError as exc:
        db.session.rollback()  # a refused step keeps nothing, though the redirect commits
        flash(str(exc), "error")
        return page
    if moved:
        flash(f"Saved: {completion.status_label.lower()}.", "success")
    else:
        flash("That certificate is not at the right stage for this.", "error")
    return page
