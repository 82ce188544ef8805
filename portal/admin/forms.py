"""Administration forms: people and organisations, the audit log's filters, the calendar,
office hours, promise targets and news. Choices that come from the database (organisations,
staff) are filled in by the view."""

from __future__ import annotations

from datetime import date, datetime

from flask import abort, request
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.accounts.forms import EmailAddress, strip_text
from portal.accounts.models import ROLE_LABELS, Role
from portal.notify.models import NEWS_TOPIC_LABELS
from portal.security.inputs import MAX_QUERY_INT, bounded_day, query_int

CALENDAR_KINDS = [
    ("closure", "Office closure (a working day we are closed)"),
    ("holiday-added", "Bank holiday missing from the list (a one-off holiday)"),
    ("holiday-removed", "Listed bank holiday we work after all"),
]


class CalendarDayForm(FlaskForm):
    day = DateField(
        "Date", validators=[InputRequired(message="Enter the date, for example 2026-12-24.")]
    )
    kind = SelectField(
        "What kind of day", choices=[SelectChoice(value, label) for value, label in CALENDAR_KINDS]
    )
    reason = StringField(
        "Reason",
        validators=[Optional(), Length(max=200, message="Reason must be 200 characters or fewer.")],
        description="Shown to staff and in the calendar listing, for example 'Office move'.",
    )
    submit = SubmitField("Add to the calendar")


class OfficeHoursForm(FlaskForm):
    office_open = TimeField(
        "Office opens", validators=[InputRequired(message="Enter the opening time.")]
    )
    office_close = TimeField(
        "Office closes", validators=[InputRequired(message="Enter the closing time.")]
    )
    same_day_cutoff = TimeField(
        "Same-day cut-off",
        validators=[InputRequired(message="Enter the cut-off time.")],
        description="Employer support requests received at or after this time are due the "
        "next working day.",
    )
    at_risk_hours = IntegerField(
        "At risk when fewer office hours than this are left",
        validators=[
            InputRequired(message="Enter a number of hours."),
            NumberRange(min=1, max=40, message="Enter a whole number of hours from 1 to 40."),
        ],
    )
    update_every_days = IntegerField(
        "Update customers at least every (working days)",
        validators=[
            InputRequired(message="Enter a number of working days."),
            NumberRange(min=1, max=30, message="Enter a whole number of days from 1 to 30."),
        ],
    )
    submit = SubmitField("Save office hours")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.office_open.data >= self.office_close.data:
            self.office_close.errors.append("The office must close after it opens.")
            return False
        if not self.office_open.data < self.same_day_cutoff.data <= self.office_close.data:
            self.same_day_cutoff.errors.append(
                "The cut-off must be after opening time and no later than closing time."
            )
            return False
        return True


def _at_most(n: int, what: str) -> Length:
    return Length(max=n, message=f"{what} must be {n} characters or fewer.")


class ContactDetailsForm(FlaskForm):
    """The organisation's phone, email and postal address, shown in every page's footer."""

    phone = StringField(
        "Phone number",
        validators=[Optional(), _at_most(40, "Phone number")],
        filters=[strip_text],
        render_kw={"autocomplete": "off"},
    )
    email = EmailField(
        "Email address",
        validators=[Optional(), _at_most(254, "Email address"),
                    EmailAddress()],
        filters=[strip_text],
        render_kw={"spellcheck": "false"},
    )
    postal_address = TextAreaField(
        "Postal address",
        validators=[Optional(), _at_most(500, "Postal address")],
        filters=[strip_text],
        description="One line each; the footer shows them on one line, separated by commas.",
    )
    submit = SubmitField("Save contact details")


def targets_form(promises) -> type[FlaskForm]:
    """A form with one whole-number field per promise, built from the catalogue."""
    fields: dict = {}
    for promise in promises:
        fields[target_field_name(promise.code)] = IntegerField(
            f"{promise.title} ({UNITS[promise.kind.value]})",
            validators=[
                InputRequired(message=f"Enter a target for “{promise.title}”."),
                NumberRange(min=0, max=60, message="Enter a whole number from 0 to 60."),
            ],
        )
    fields["note"] = StringField(
        "Why the change",
        validators=[
            DataRequired(message="Say why the targets are changing."),
            Length(max=300, message="Keep the reason to 300 characters or fewer."),
        ],
    )
    fields["submit"] = SubmitField("Save as a new version")
    return type("TargetsForm", (FlaskForm,), fields)


UNITS = {
    "working_days": "working days",
    "office_hours": "office hours",
    "same_day": "0 means the same working day",
    "calendar_days_before": "calendar days before",
}


def target_field_name(code: str) -> str:
    return "target_" + code.replace("-", "_")


class NewsForm(FlaskForm):
    topic = SelectField(
        "Topic",
        choices=[SelectChoice(topic.value, label) for topic, label in NEWS_TOPIC_LABELS.items()],
        description="Only members who chose this topic get the email.",
    )
    subject = StringField(
        "Subject",
        validators=[
            InputRequired("Enter a subject."),
            Length(max=200, message="Keep the subject to 200 characters or fewer."),
        ],
    )
    body = TextAreaField(
        "Message",
        description="Plain text. Leave a blank line between paragraphs. "
        "We add a greeting and the unsubscribe link.",
        validators=[
            InputRequired("Enter the message."),
            Length(max=20000, message="Keep the message to 20,000 characters or fewer."),
        ],
    )

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


def page_after() -> int | None:
    """The id a keyset page of a listing starts after (``?after=``); 404 when malformed."""
    raw = request.args.get("after", "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        abort(404)
    return int(raw)


# -- the audit log's filters -----------------------------------------------------------------


def _cut(length: int):
    return lambda value: (value or "").strip()[:length]


def _day(value: str) -> date | None:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date() if value else None  # noqa: DTZ007
    except ValueError:
        return None
    return bounded_day(day)  # 9999-12-31 would overflow "the day after" (issue #14)


class AuditSearchForm(FlaskForm):
    """The audit log's filters, from the query string. A filter too long is cut and a date
    that is not one is ignored, so a hand-edited address still shows a page."""

    class Meta:
        csrf = False

    action = StringField(filters=[_cut(60)])
    person = StringField(filters=[_cut(254)])
    address = StringField(filters=[_cut(45)])
    day_from = StringField(name="from", filters=[_cut(10)])
    day_to = StringField(name="to", filters=[_cut(10)])

    def page_number(self) -> int:
        """The page asked for; 404 outside 1 to 10,000."""
        page = query_int("page", 1, low=-MAX_QUERY_INT)
        if page < 1 or page > 10_000:
            abort(404)
        return page

    def dates(self) -> tuple[date | None, date | None]:
        return _day(self.day_from.data), _day(self.day_to.data)

    def shown(self) -> dict[str, str]:
        """The filters as the page shows them again, by their names in the query string."""
        return {field.name: field.data or "" for field in self}
