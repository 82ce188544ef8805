"""Forms for learners' completions and certificates (centre and staff sides)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from portal.accounts.forms import (
    size_check_attributes,
    strip_text,
)
from portal.certificates.models import CERTIFICATE_STATUS_LABELS, PREPARING
from portal.charter import POSTAGE_LABELS
from portal.security.uploads import MAX_UPLOAD_BYTES

# -- completions ---------------------------------------------------------------------------------


def _id_or_none(value) -> int | None:
    """A chosen id, or None for the empty "Choose a qualification" option."""
    return None if value in ("", None) else int(value)


class CompletionForm(FlaskForm):
    learner_name = StringField(
        "Learner's full name",
        validators=[
            DataRequired(message="Enter the learner's name."),
            Length(max=120, message="The learner's name must be 120 characters or fewer."),
        ],
        filters=[strip_text],
    )
    learner_ref = StringField(
        "Learner's email address or identifier",
        validators=[
            DataRequired(message="Enter the learner's email address or identifier."),
            Length(max=254, message="That is too long for an email address or identifier."),
        ],
        filters=[strip_text],
        description="An email address, or your centre's identifier for the learner.",
        render_kw={"spellcheck": "false"},
    )
    qualification = SelectField(
        "Qualification",
        coerce=_id_or_none,
        validators=[InputRequired(message="Choose the qualification.")],
    )
    completed_on = DateField(
        "Completion date",
        validators=[InputRequired(message="Enter the completion date, for example 2026-11-02.")],
    )
    assessment_signed_off = BooleanField(
        "Assessment is fully signed off for this learner",
        validators=[
            DataRequired(
                message="Confirm that assessment is fully signed off before recording a completion."
            )
        ],
    )
    submit = SubmitField("Record completion")


class UploadCompletionsForm(FlaskForm):
    file = FileField(
        "CSV file of completions",
        description="One learner a line, with the columns in the template. Up to 20,000 learners.",
        render_kw={"accept": ".csv,text/csv", **size_check_attributes(MAX_UPLOAD_BYTES)},
    )
    upload = SubmitField("Upload and check")

    def validate_file(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError("Choose a CSV file to upload.")


TRACKER_STATUSES = (
    [SelectChoice("", "Any status")]
    + [SelectChoice(status.value, label) for status, label in CERTIFICATE_STATUS_LABELS.items()]
    + [SelectChoice(PREPARING, "Being prepared (signed off or printed)")]
)

#: Words people put in a tracker address for a status (a dashboard link, a bookmark, a URL
#: typed from an email), and the status each means.
STATUS_ALIASES = {"posted": "dispatched", "waiting": "recorded", "in_progress": PREPARING}


def _status_word(value):
    """The tracker's status filter from the address: known words mapped to their status."""
    if not isinstance(value, str):
        return value
    word = value.strip().lower()
    return STATUS_ALIASES.get(word, word)


class TrackerFilterForm(FlaskForm):
    """The tracker's filters, read from the query string (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    # A default of "" so an empty query string is "any", never "Not a valid choice".
    status = SelectField("Status", choices=TRACKER_STATUSES, validate_choice=True, default="",
                         filters=[_status_word])
    qualification = SelectField("Qualification", validate_choice=True, default="")
    overdue = BooleanField("Only overdue certificates")
    q = SearchField(
        "Search by name, email or identifier",
        validators=[Optional(), Length(max=100, message="Search for 100 characters or fewer.")],
        filters=[strip_text],
    )


POSTAGE_CHOICES = [SelectChoice(code, label) for code, label in POSTAGE_LABELS.items()]


class RejectCompletionForm(FlaskForm):
    reason = TextAreaField(
        "Why it cannot be accepted",
        validators=[
            DataRequired(message="Say why the completion cannot be accepted."),
            Length(max=2000, message="Keep the reason to 2,000 characters or fewer."),
        ],
        filters=[strip_text],
    )
    reject = SubmitField("Turn down this completion")


class DispatchForm(FlaskForm):
    postage_class = SelectField("Postage class", choices=POSTAGE_CHOICES)
    tracking_reference = StringField(
        "Tracking reference (optional)",
        validators=[
            Optional(),
            Length(max=60, message="Tracking references are 60 characters or fewer."),
        ],
        filters=[strip_text],
    )
    dispatch = SubmitField("Record as posted")


class ReturnForm(FlaskForm):
    note = TextAreaField(
        "What happened (optional)",
        validators=[Optional(), Length(max=2000, message="Keep the note to 2,000 characters.")],
        filters=[strip_text],
    )
    returned = SubmitField("Record as returned undelivered")


BULK_ACTIONS = [
    SelectChoice("sign_off", "Verify and sign off"),
    SelectChoice("printed", "Mark as printed"),
    SelectChoice("dispatched", "Mark as posted"),
]


class BulkCertificatesForm(FlaskForm):
    """Act on the ticked rows of the staff queue; the ids come from the checkboxes."""

    action = SelectField("With the selected", choices=BULK_ACTIONS)
    # Checked by the service only when posting: signing off or printing needs no postage.
    postage_class = SelectField(
        "Postage class (when posting)", choices=POSTAGE_CHOICES, validate_choice=False
    )
    tracking_reference = StringField(
        "Tracking reference (optional, when posting)",
        validators=[
            Optional(),
            Length(max=60, message="Tracking references are 60 characters or fewer."),
        ],
        filters=[strip_text],
    )
    go = SubmitField("Apply to selected")
