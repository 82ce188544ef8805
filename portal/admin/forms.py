"""Administration forms: the calendar, office hours and promise targets."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.notify.models import NEWS_TOPIC_LABELS

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
