"""Reprint requests for posted certificates: each a request of its own."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_login import current_user

from portal.centre import bp
from portal.centre.forms import ReprintForm
from portal.certificates.services import reprintable_completion
from portal.requests.services import submit_reprint


@bp.route("/learners/<int:completion_id>/reprint", methods=["GET", "POST"])
def learner_reprint(completion_id: int):
    """A reprint request for a posted certificate: a request of its own (issue #6)."""
    user = current_user._get_current_object()
    completion = reprintable_completion(user.organisation, completion_id) or abort(404)
    form = ReprintForm()
    if form.validate_on_submit():
        _subject, body, details = form.values()
        made = submit_reprint(completion, user, body, details, form.submission_key.data or None)
        return redirect(url_for("centre.request_confirmation", reference=made.reference))
    form.fresh_key()
    return render_template(
        "requests/new.html",
        form=form,
        visitor=False,
        action=url_for("centre.learner_reprint", completion_id=completion.id),
        back_url=url_for("centre.learner", completion_id=completion.id),
        back_label=f"Back to {completion.learner_name}",
    )
