"""Staff record quality visits to centres and review the actions centres mark done
(issue 20). Overdue actions are flagged here and on the centre's page."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectChoice

from portal.certificates.services import approved_centres
from portal.database import utcnow
from portal.extensions import db
from portal.quality import services
from portal.quality.forms import ReviewForm, VisitForm
from portal.quality.models import QualityAction, QualityVisit
from portal.security import policy
from portal.staff import bp


@bp.route("/centres/quality", methods=["GET", "POST"])
def quality_visits():
    """Recent visits, actions waiting for review, and the form to record a visit."""
    form = VisitForm()
    form.centre.choices = [SelectChoice(c.id, f"{c.name} ({c.reference})")
                           for c in approved_centres()]
    if form.validate_on_submit():
        actions = form.actions()
        if not form.errors:
            try:
                visit = services.record_visit(
                    services.centre(form.centre.data), current_user,
                    visited_on=form.visited_on.data, assessor_name=form.assessor_name.data,
                    outcome=form.outcome.data, summary=form.summary.data or "",
                    actions=actions)
            except services.QualityError as exc:
                db.session.rollback()
                form.form_errors.append(str(exc))
            else:
                flash("Visit recorded. The centre has been emailed the report.", "success")
                return redirect(url_for("staff.quality_visit", visit_id=visit.id))
    return render_template("staff/quality/visits.html", form=form, now=utcnow(),
                           visits=services.recent_visits(),
                           waiting=services.waiting_for_review())


@bp.route("/centres/quality/<int:visit_id>")
def quality_visit(visit_id: int):
    visit = policy.get_or_404(QualityVisit, visit_id)
    return render_template("staff/quality/visit.html", visit=visit, now=utcnow(),
                           review_form=ReviewForm())


@bp.route("/centres/quality/actions/<int:action_id>/review", methods=["POST"])
def quality_action_review(action_id: int):
    """Accept a centre's evidence for an action, or return it with what is still needed."""
    action = policy.get_or_404(QualityAction, action_id)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            services.decide_action(action, current_user, bool(form.accept.data),
                                   form.note.data or "")
        except services.QualityError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash("Action accepted." if form.accept.data else "Action returned to the centre.",
                  "success")
    return redirect(url_for("staff.quality_visit", visit_id=action.visit_id))
