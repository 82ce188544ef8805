"""Forms for administering people and organisations. Choices that come from the database
(organisations, staff) are filled in by the view."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from portal.accounts.models import ROLE_LABELS, Role
from portal.auth.forms import EmailAddress

ROLE_CHOICES = [SelectChoice(role.value, ROLE_LABELS[role]) for role in Role]
STAFF_ROLE_CHOICES = [
    SelectChoice(Role.STAFF.value, ROLE_LABELS[Role.STAFF]),
    SelectChoice(Role.ADMIN.value, ROLE_LABELS[Role.ADMIN]),
]
KIND_CHOICES = [SelectChoice("employer", "Employer"), SelectChoice("centre", "Learning centre")]


def _name():
    return StringField(
        "Full name",
        validators=[
            DataRequired(message="Enter their full name."),
            Length(max=120, message="Full name must be 120 characters or fewer."),
        ],
    )


def _job_title():
    return StringField(
        "Job title",
        validators=[
            Optional(), Length(max=120, message="Job title must be 120 characters or fewer.")
        ],
    )


def _phone():
    return StringField(
        "Phone",
        validators=[
            Optional(), Length(max=40, message="Phone must be 40 characters or fewer.")
        ],
        render_kw={"autocomplete": "off"},
    )


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Name or email", validators=[Optional(), Length(max=100)])
    role = SelectField(
        "Role", choices=[SelectChoice("", "Any role"), *ROLE_CHOICES], validators=[Optional()]
    )


class NewStaffForm(FlaskForm):
    full_name = _name()
    email = EmailField(
        "Email address",
        validators=[
            DataRequired(message="Enter their email address."),
            Length(max=254, message="Email address must be 254 characters or fewer."),
            EmailAddress(),
        ],
        render_kw={"spellcheck": "false"},
    )
    role = SelectField("Role", choices=STAFF_ROLE_CHOICES)
    job_title = _job_title()
    phone = _phone()
    submit = SubmitField("Create the account")


class UserForm(FlaskForm):
    full_name = _name()
    role = SelectField("Role", choices=ROLE_CHOICES)
    organisation = SelectField(
        "Organisation",
        coerce=int,
        default=0,
        description="Employer and learning centre contacts only.",
    )
    job_title = _job_title()
    phone = _phone()
    submit = SubmitField("Save changes")


class OrgSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Name or reference", validators=[Optional(), Length(max=100)])
    kind = SelectField(
        "Kind", choices=[SelectChoice("", "Employers and centres"), *KIND_CHOICES],
        validators=[Optional()],
    )


class OrganisationForm(FlaskForm):
    kind = SelectField("Kind", choices=KIND_CHOICES)
    name = StringField(
        "Name",
        validators=[
            DataRequired(message="Enter the organisation's name."),
            Length(max=200, message="Name must be 200 characters or fewer."),
        ],
    )
    reference = StringField(
        "Reference",
        validators=[
            Optional(), Length(max=30, message="Reference must be 30 characters or fewer.")
        ],
        description="An employer's account number or an approved centre's number.",
    )
    address = TextAreaField(
        "Address",
        validators=[
            Optional(), Length(max=500, message="Address must be 500 characters or fewer.")
        ],
    )
    phone = _phone()
    is_approved = BooleanField("Approved (centres: an approved centre; employers: a customer)")
    support_contact = SelectField(
        "Dedicated support contact",
        coerce=int,
        default=0,
        description="Employers only: who answers their support requests.",
    )
    deputy_contact = SelectField(
        "Deputy",
        coerce=int,
        default=0,
        description="Employers only: who answers when the support contact is away.",
    )
    submit = SubmitField("Save")
