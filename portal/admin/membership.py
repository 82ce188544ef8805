"""Membership settings: the payment providers that are on, the grace period, and each
grade's subscription, criteria and required evidence (docs/PAYMENTS.md)."""

from __future__ import annotations

from decimal import Decimal

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from portal.admin import bp
from portal.payments import providers
from portal.settings import membership as settings


def _grade_fields(code: str, name: str) -> dict:
    return {
        f"{code}_fee": DecimalField(
            f"{name}: subscription (£)",
            places=2,
            validators=[
                InputRequired(message=f"Enter the subscription for {name}."),
                NumberRange(min=0, max=10000, message="Enter an amount from £0 to £10,000."),
            ],
        ),
        f"{code}_criteria": TextAreaField(
            f"{name}: who can join at this grade",
            validators=[
                InputRequired(message=f"Describe who can join as {name}."),
                Length(max=1000),
            ],
        ),
        f"{code}_evidence": TextAreaField(
            f"{name}: evidence an application needs (one per line; none for no evidence)",
            validators=[Length(max=1000)],
        ),
    }


def settings_form():
    """The form, built for the grades in force; filled from the saved settings."""
    fields = {
        name: BooleanField(cls.label, description=cls.description)
        for name, cls in providers.ALL.items()
    }
    fields["grace_days"] = IntegerField(
        "Grace period after the renewal date (days)",
        validators=[
            InputRequired(message="Enter the grace period in days."),
            NumberRange(min=0, max=180, message="Enter a whole number of days from 0 to 180."),
        ],
        description="One more reminder goes at the start; the membership lapses at the end.",
    )
    for code, name in current_app.config["MEMBER_GRADES"]:
        fields.update(_grade_fields(code, name))
    form = type("MembershipSettingsForm", (FlaskForm,), fields)()
    if not form.is_submitted():
        row = settings.membership_settings()
        for name in providers.ALL:
            form[name].data = name in row.enabled_providers
        form.grace_days.data = row.grace_days
        for code, grade in settings.grades().items():
            form[f"{code}_fee"].data = Decimal(grade.fee_pence) / 100
            form[f"{code}_criteria"].data = grade.criteria
            form[f"{code}_evidence"].data = "\n".join(grade.evidence)
    return form


def _save(form) -> None:
    grade_values = {
        code: {
            "fee_pence": int(form[f"{code}_fee"].data * 100),
            "criteria": form[f"{code}_criteria"].data,
            "evidence": (form[f"{code}_evidence"].data or "").splitlines(),
        }
        for code, _ in current_app.config["MEMBER_GRADES"]
    }
    settings.save_membership_settings(
        providers=[name for name in providers.ALL if form[name].data],
        grace=form.grace_days.data,
        grade_values=grade_values,
        user=current_user,
    )


@bp.route("/membership-settings", methods=["GET", "POST"])
def membership_settings():
    form = settings_form()
    if form.validate_on_submit():
        _save(form)
        flash("Membership settings saved. They apply from now.", "success")
        return redirect(url_for("admin.membership_settings"))
    configured = {n: c(current_app.config).is_configured() for n, c in providers.ALL.items()}
    return render_template(
        "admin/membership_settings.html",
        form=form,
        providers=list(providers.ALL),
        configured=configured,
        grades=current_app.config["MEMBER_GRADES"],
    ), 422 if form.errors else 200
