"""The case clock's settings (issue #16): when customers we wait for are reminded and their
cases closed, the reopen window, and when staff are warned before a promise is missed."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, SubmitField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from portal.admin import bp
from portal.settings import services as settings_services


def _days(label: str, description: str) -> IntegerField:
    return IntegerField(label, description=description, validators=[
        InputRequired(message="Enter a number of working days."),
        NumberRange(min=1, max=60, message="Enter a whole number of days from 1 to 60.")])


def _hours(form, field) -> None:
    try:
        values = [float(p) for p in field.data.replace(" ", "").split(",") if p]
    except ValueError:
        raise ValidationError("Enter office hours separated by commas, like 4, 1.") from None
    if not values or any(v <= 0 or v > 40 for v in values):
        raise ValidationError("Enter one or more numbers of office hours from 0.25 to 40.")
    field.hours = values


class CaseClockForm(FlaskForm):
    chase_after_days = _days("Remind the customer after (working days of waiting)",
                             "While we wait for the customer to send something.")
    close_after_days = _days("Close the case after (working days of waiting)",
                             "Must be more than the reminder.")
    reopen_within_days = _days("A reply reopens a case within (working days)",
                               "After resolving or closing. Later replies start a new case.")
    escalate_hours = StringField(
        "Warn staff this many office hours before due",
        description="Separate several with commas, for example 4, 1. The first goes to the "
        "person the case is assigned to; later ones to the team lead too.",
        validators=[InputRequired(message="Enter when to warn staff."), _hours])
    submit = SubmitField("Save the case clock")


@bp.route("/case-clock", methods=["GET", "POST"])
def case_clock():
    """Chase, close, reopen and escalation settings."""
    current = settings_services.case_clock_settings()
    form = CaseClockForm(obj=current)
    if not form.is_submitted():
        form.escalate_hours.data = ", ".join(
            f"{m / 60:g}" for m in settings_services.escalation_minutes())
    if form.validate_on_submit():
        try:
            settings_services.set_case_clock(
                form.chase_after_days.data, form.close_after_days.data,
                form.reopen_within_days.data, form.escalate_hours.hours)
        except ValueError as exc:
            form.close_after_days.errors.append(str(exc))
        else:
            flash("Case clock saved.", "success")
            return redirect(url_for("admin.case_clock"))
    return render_template("admin/case_clock.html", form=form)
