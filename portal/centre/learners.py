"""An approved centre's learners: recording completions and tracking certificates
(CHARTER.md section 4, ``certificate``). Every query is limited to the user's organisation."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from wtforms import SelectChoice

from portal.approvals.services import CentreError
from portal.centre import bp
from portal.certificates import claims, csv_import, tracker
from portal.certificates import services as completions
from portal.certificates.forms import CompletionForm, TrackerFilterForm
from portal.certificates.models import Completion
from portal.charter import POSTAGE_LABELS
from portal.clock import london_today
from portal.database import utcnow
from portal.extensions import db
from portal.security import policy
from portal.security.inputs import query_int


def _approved_organisation():
    organisation = current_user.organisation
    if organisation is None or organisation.kind != "centre":
        abort(404)
    if not organisation.is_approved:
        abort(403)
    return organisation


def _filters(organisation) -> tuple[TrackerFilterForm, tracker.TrackerFilter]:
    qualifications = completions.approved_qualifications(organisation)
    form = TrackerFilterForm(formdata=request.args)
    form.qualification.choices = [SelectChoice("", "Any qualification")] + [
        SelectChoice(str(q.id), q.label) for q in qualifications
    ]
    form.validate()
    qualification_id = None
    if not form.qualification.errors and form.qualification.data:
        qualification_id = int(form.qualification.data)
    filters = tracker.TrackerFilter(
        status="" if form.status.errors else (form.status.data or ""),
        qualification_id=qualification_id,
        overdue=bool(form.overdue.data),
        search="" if form.q.errors else (form.q.data or ""),
    )
    return form, filters


def _filter_args(filters: tracker.TrackerFilter) -> dict:
    args = {}
    if filters.status:
        args["status"] = filters.status
    if filters.qualification_id is not None:
        args["qualification"] = filters.qualification_id
    if filters.overdue:
        args["overdue"] = "y"
    if filters.search:
        args["q"] = filters.search
    return args


@bp.route("/learners")
def learners():
    """The tracker: each learner's certificate, due and posting dates and arrival window."""
    organisation = _approved_organisation()
    form, filters = _filters(organisation)
    after = query_int("after")
    now = utcnow()
    rows, next_after, total = tracker.tracker_page(organisation.id, filters, now, after)
    return render_template(
        "centre/learners.html",
        organisation=organisation,
        form=form,
        rows=rows,
        total=total,
        after=after,
        next_after=next_after,
        filter_args=_filter_args(filters),
        qualifications=tracker.qualifications_by_id(),
        now=now,
        arrival_text=completions.arrival_text,
        is_filtered=bool(_filter_args(filters)),
    )


@bp.route("/learners.csv")
def learners_export():
    organisation = _approved_organisation()
    _form, filters = _filters(organisation)
    now = utcnow()
    filename = f"learners-{organisation.reference or organisation.id}-{london_today()}.csv"
    return Response(
        stream_with_context(tracker.export_rows(organisation.id, filters, now)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.route("/learners/new", methods=["GET", "POST"])
def learner_new():
    organisation = _approved_organisation()
    form = CompletionForm()
    form.qualification.choices = [SelectChoice("", "Choose a qualification")] + [
        SelectChoice(q.id, q.label) for q in completions.approved_qualifications(organisation)
    ]
    if form.validate_on_submit():
        try:
            completion = completions.record_completion(
                organisation,
                current_user,
                learner_name=form.learner_name.data,
                learner_ref=form.learner_ref.data,
                qualification_id=form.qualification.data,
                completed_on=form.completed_on.data,
                assessment_signed_off=form.assessment_signed_off.data,
            )
        except CentreError as exc:
            db.session.rollback()  # the form is shown again (200): commit nothing of it
            form.form_errors.append(str(exc))
        else:
            flash(
                f"{completion.learner_name}'s completion is recorded. We will check it and "
                "sign it off.",
                "success",
            )
            return redirect(url_for("centre.learner", completion_id=completion.id))
    return render_template("centre/learner_new.html", form=form)


@bp.route("/learners/template.csv")
def learners_template():
    _approved_organisation()
    return Response(
        csv_import.csv_template(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="completions-template.csv"'},
    )


@bp.route("/learners/<int:completion_id>")
def learner(completion_id: int):
    _approved_organisation()
    # Only this centre's learners: the policy decides (portal.security.policy).
    completion = policy.get_or_404(Completion, completion_id)
    return render_template(
        "centre/learner.html",
        completion=completion,
        now=utcnow(),
        arrival=completions.arrival_text(completion),
        postage_labels=POSTAGE_LABELS,
        check=claims.check_wording(completion, utcnow()),
    )
