"""Reprint requests for posted certificates: each a request of its own."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_login import current_user

from portal.centre import bp
from portal.certificates.models import CertificateStatus
from portal.certificates.services import completion_for_organisation
from portal.requests import services
from portal.requests.forms import ReprintForm

#: Certificates that have been posted (or came back) can be reprinted.
REPRINTABLE = (CertificateStatus.DISPATCHED.value, CertificateStatus.RETURNED.value)


@bp.route("/learners/<int:completion_id>/reprint", methods=["GET", "POST"])
def learner_reprint(completion_id: int):
    """A reprint request for a posted certificate (lost, damaged, wrong details): a request
    of its own on the centre's list and in the staff queue (issue #6)."""
    user = current_user._get_current_object()
    if user.organisation is None or not user.organisation.is_approved:
        abort(404)
    completion = completion_for_organisation(completion_id, user.organisation_id)
    if completion is None or completion.status not in REPRINTABLE:
        abort(404)
    form = ReprintForm()
    if form.validate_on_submit():
        _subject, body, details = form.values()
        details.update(
            completion_id=completion.id,
            certificate_number=completion.certificate_number,
            learner_name=completion.learner_name,
            qualification=completion.qualification.title,
        )
        made = services.submit_once(
            form.kind,
            subject=f"Reprint of {completion.certificate_number} for "
            f"{completion.learner_name} ({details['reason_words'].split(' (')[0].lower()})",
            body=body,
            requester=user,
            details=details,
            submission_key=form.submission_key.data or None,
            organisation=user.organisation,
        )
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
