"""A centre's quality visits and their actions (issue 20): the centre marks each action done
with its evidence; overdue ones stand out."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from portal.approvals.responses import live_json
from portal.centre import bp
from portal.centre.learners import _approved_organisation
from portal.database import utcnow
from portal.extensions import db
from portal.quality import services
from portal.quality.forms import EvidenceForm
from portal.quality.models import QualityAction
from portal.security import policy


@bp.route("/quality")
def quality_visits():
    organisation = _approved_organisation()
    return render_template("centre/quality.html", visits=services.visits_of(organisation.id),
                           now=utcnow(), forms={}, default_form=EvidenceForm)


@bp.route("/quality/state.json")
def quality_state():
    """The actions' stages, for the page's live updates (CHARTER §6)."""
    organisation = _approved_organisation()
    return live_json(services.live_state(organisation.id, utcnow()))


@bp.route("/quality/actions/<int:action_id>", methods=["POST"])
def quality_action_done(action_id: int):
    """Mark one action done, with the evidence."""
    organisation = _approved_organisation()
    action = policy.get_or_404(QualityAction, action_id)
    form = EvidenceForm(prefix=f"a{action.id}")
    if form.validate_on_submit():
        try:
            services.submit_evidence(action, current_user, form.evidence.data)
        except services.QualityError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash("Thank you: we will review it and let you know.", "success")
            return redirect(url_for("centre.quality_visits"))
    return render_template("centre/quality.html", visits=services.visits_of(organisation.id),
                           now=utcnow(), forms={action.id: form}, default_form=EvidenceForm)
