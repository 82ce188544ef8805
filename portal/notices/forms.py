"""The administrators' forms for service notices. Times are typed in London time."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from portal.accounts.forms import strip_text as strip_filter
from portal.charter import DEFAULT_PROMISES, LONDON, PROMISE_CODES
from portal.notices.models import KIND_LABELS
from portal.notices.services import NoticeDraft

WHEN_HINT = "London time, for example 2026-12-07T09:00."
BAD_WHEN = "Enter a date and time, for example 2026-12-07T09:00."


#: WTForms' own words for a value it cannot read, and what we say instead.
PLAIN_WORDS = {
    "Not a valid datetime value.": BAD_WHEN,
    "Not a valid date value.": "Enter a real date, for example 2026-12-24.",
}


def plain_errors(form: FlaskForm) -> None:
    for f in form:
        f.errors = [PLAIN_WORDS.get(e, e) for e in f.errors]


class PlainForm(FlaskForm):
    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        plain_errors(self)
        return valid


def london_to_utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.replace(tzinfo=LONDON).astimezone(UTC)


def utc_to_london(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(LONDON).replace(tzinfo=None)


class NoticeForm(PlainForm):
    kind = SelectField("Kind of notice",
                       choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()])
    title = StringField("Title", filters=[strip_filter], validators=[
        InputRequired(message="Enter a title, for example 'Postal strike'."),
        Length(max=120, message="The title must be 120 characters or fewer.")])
    effect = TextAreaField(
        "Expected effect, in words", filters=[strip_filter],
        description="What people will notice, for example: certificates posted this week may "
                    "arrive up to 5 working days later.",
        validators=[InputRequired(message="Say what people will notice."),
                    Length(max=1000, message="Keep it to 1,000 characters or fewer.")])
    starts = DateTimeLocalField("Starts", format="%Y-%m-%dT%H:%M", description=WHEN_HINT,
                                validators=[InputRequired(message=BAD_WHEN)])
    ends = DateTimeLocalField("Ends (leave empty if not known yet)", format="%Y-%m-%dT%H:%M",
                              description=WHEN_HINT, validators=[Optional()])
    promises = SelectMultipleField(
        "Promises affected",
        choices=[SelectChoice(c, DEFAULT_PROMISES[c].title) for c in PROMISE_CODES])
    closure_day = DateField(
        "Close the office on this day (optional)", validators=[Optional()],
        description="Adds the closure to the calendar now. Dates already given to customers "
                    "stay as they are.")
    submit = SubmitField("Publish the notice")

    def draft(self) -> NoticeDraft:
        return NoticeDraft(
            kind=self.kind.data, title=self.title.data, effect=self.effect.data,
            promises=list(self.promises.data or []), starts_at=london_to_utc(self.starts.data),
            ends_at=london_to_utc(self.ends.data), closure_day=self.closure_day.data,
        )


class NoticeUpdateForm(PlainForm):
    body = TextAreaField("Update", filters=[strip_filter], validators=[
        InputRequired(message="Write the update, for example 'The service is back.'"),
        Length(max=1000, message="Keep it to 1,000 characters or fewer.")])
    ends = DateTimeLocalField("New end (optional)", format="%Y-%m-%dT%H:%M",
                              description=WHEN_HINT, validators=[Optional()])
    end_now = BooleanField("The notice ends now")
    submit = SubmitField("Add the update")
