"""Erasure requests (docs/SECURITY.md, V14): staff carry them out within a calendar month.

Erasing cannot be undone, so "Erase now" opens a page that lists what will be lost and
asks staff to confirm it (issue #16); only that confirmation carries the erasure out.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts.models import User
from portal.extensions import db
from portal.privacy import services
from portal.privacy.forms import CarryOutForm
from portal.privacy.models import ErasureRequest
from portal.requests.privacy import requests_of
from portal.staff import bp


@bp.route("/erasure-requests")
def erasure_requests():
    return render_template("staff/erasure_requests.html", rows=services.erasure_queue(),
                           overdue=services.overdue)


def what_is_lost(user: User) -> list[str]:
    """What erasing ``user`` removes for good, in words, for the confirmation page."""
    requests = requests_of(user)
    files = sum(len(r.attachments) for r in requests)
    lost = [f"their name ({user.full_name}), email address ({user.email})"
            + (f" and phone number ({user.phone})" if user.phone else ""),
            "their password, two-step sign-in and every signed-in session: they can never "
            "sign in again"]
    if user.membership is not None and user.membership.membership_number:
        lost.append(f"their membership number ({user.membership.membership_number})")
    if requests:
        lost.append(f"what they wrote in {len(requests)} request(s), and their contact details "
                    "on them; the references and dates stay for the figures")
    if files:
        lost.append(f"{files} file(s) they sent us")
    lost.append("any email to them not yet sent")
    return lost


@bp.route("/erasure-requests/<int:request_id>", methods=["GET", "POST"])
def carry_out_erasure(request_id: int):
    """Confirm, then erase: the page says what will be lost before anything is."""
    row = db.session.get(ErasureRequest, request_id) or abort(404)
    form = CarryOutForm()
    if row.status == "open" and form.validate_on_submit():
        try:
            services.carry_out_erasure(row, current_user._get_current_object())
        except services.PrivacyError as exc:
            db.session.rollback()  # the redirect commits: keep nothing of the refused erasure
            flash(str(exc), "error")
        else:
            flash("The person's data has been erased and their account closed.", "success")
        return redirect(url_for("staff.erasure_requests"))
    return render_template("staff/erasure_confirm.html", row=row, form=form,
                           lost=what_is_lost(row.user) if row.status == "open" else [])
