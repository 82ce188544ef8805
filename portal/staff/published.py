"""The published charter figures from the staff side: each month's "You said, we did" notes,
and corrections, which recompute a month and append the result with a public reason."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.performance import services
from portal.performance.forms import CorrectionForm, NoteForm
from portal.performance.pages import parse_month
from portal.staff import bp
from portal.staff.public_figures import correct_published


def _page(note_form: NoteForm | None = None, correction_form: CorrectionForm | None = None,
          status: int = 200):
    months = services.published_months()
    note_form = note_form or NoteForm(prefix="note")
    correction_form = correction_form or CorrectionForm(prefix="fix")
    for form in (note_form, correction_form):
        form.month.choices = [(m.key, m.month.strftime("%B %Y")) for m in months]
    return render_template(
        "staff/published.html", months=months,
        notes=services.notes_for([m.month for m in months]),
        note_form=note_form, correction_form=correction_form,
    ), status


def _published_month_or_404(key: str | None):
    month = parse_month(key)
    if month is None or not services.is_published(month):
        abort(404)
    return month


@bp.route("/published")
def published():
    """Every published month with its corrections and notes, and the forms to add them."""
    return _page()


@bp.route("/published/notes", methods=["POST"])
def published_note_add():
    form = NoteForm(prefix="note")
    if not form.validate_on_submit():
        return _page(note_form=form, status=400)
    month = _published_month_or_404(form.month.data)
    services.add_note(month, form.you_said.data, form.we_did.data, user=current_user)
    flash(f"Note added to {month:%B %Y}. It shows on the public page now.", "success")
    return redirect(url_for("staff.published"))


@bp.route("/published/notes/<int:note_id>/remove", methods=["POST"])
def published_note_remove(note_id: int):
    if not services.remove_note(note_id, user=current_user):
        abort(404)
    flash("Note removed.", "success")
    return redirect(url_for("staff.published"))


@bp.route("/published/correct", methods=["POST"])
def published_correct():
    """Recompute a month and publish the difference as a correction, with its reason."""
    form = CorrectionForm(prefix="fix")
    if not form.validate_on_submit():
        return _page(correction_form=form, status=400)
    month = _published_month_or_404(form.month.data)
    try:
        correct_published(month, form.reason.data, user=current_user)
    except services.CorrectionRefused as exc:
        form.form_errors.append(str(exc))
        return _page(correction_form=form, status=400)
    flash(f"Correction to {month:%B %Y} published, with its reason.", "success")
    return redirect(url_for("staff.published"))
