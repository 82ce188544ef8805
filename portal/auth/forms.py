"""Sign-in and account forms. Password fields are never re-filled on a failed submit."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from portal.accounts.forms import (
    current_password_field,
    email_field,
    new_password_fields,
)


class LoginForm(FlaskForm):
    email = email_field()
    password = current_password_field()
    remember = BooleanField(
        "Keep me signed in on this device for 14 days",
        description="Not on a shared computer. Staff accounts are always signed out after "
        "30 minutes without use.",
    )
    next = HiddenField()
    submit = SubmitField("Sign in")


class RegisterForm(FlaskForm):
    full_name = StringField(
        "Full name",
        validators=[
            DataRequired(message="Enter your full name."),
            Length(max=120, message="Full name must be 120 characters or fewer."),
        ],
        render_kw={"autocomplete": "name"},
    )
    email = email_field()
    password, confirm = new_password_fields(first_time=True)
    submit = SubmitField("Create account")


class ForgotPasswordForm(FlaskForm):
    email = email_field()
    submit = SubmitField("Send me a reset link")


class ResetPasswordForm(FlaskForm):
    password, confirm = new_password_fields()
    submit = SubmitField("Set new password")


class ChangePasswordForm(FlaskForm):
    current_password = current_password_field(
        "Current password", "Enter your current password."
    )
    password, confirm = new_password_fields()
    submit = SubmitField("Change password")


class ResendVerificationForm(FlaskForm):
    submit = SubmitField("Send the link again")


def _code_field(label: str = "Code") -> StringField:
    return StringField(
        label,
        validators=[
            DataRequired(message="Enter the code."),
            Length(max=40, message="That code is too long."),
        ],
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "spellcheck": "false",
            "autocapitalize": "off",
        },
    )


class TwoFactorForm(FlaskForm):
    code = _code_field("Code from your authenticator app, or a recovery code")
    submit = SubmitField("Continue")


class TwoFactorSetupForm(FlaskForm):
    code = _code_field("Code shown in your authenticator app")
    submit = SubmitField("Turn on two-step sign-in")


class ConfirmIdentityForm(FlaskForm):
    password = current_password_field("Your password")
    code = StringField(
        "Code from your authenticator app, or a recovery code",
        validators=[Length(max=40, message="That code is too long.")],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    next = HiddenField()
    submit = SubmitField("Confirm")


class ActionForm(FlaskForm):
    """A form that is only a button (and its CSRF token)."""

    submit = SubmitField("Confirm")
