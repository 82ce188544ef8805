"""Forms for learners' completions and certificates (centre and staff sides)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
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


# -- registrations and claims (issue 20) ---------------------------------------------------------


class RegistrationForm(FlaskForm):
    learner_name = CompletionForm.learner_name
    learner_ref = CompletionForm.learner_ref
    # No "required" attribute: a select whose first option is a real choice must not have
    # one (HTML), and the server checks the choice anyway.
    qualification = SelectField(
        "Qualification", coerce=int, render_kw={"required": False},
        validators=[InputRequired(message="Choose the qualification.")],
    )
    started_on = DateField(
        "Start date",
        validators=[InputRequired(message="Enter the date the learner started, e.g. 2026-09-07.")],
        description="The day the learner started the qualification.",
    )
    submit = SubmitField("Register learner")


class ClaimForm(FlaskForm):
    claim_kind = RadioField(
        "What are you claiming?",
        choices=[SelectChoice("full", "The full certificate"),
                 SelectChoice("unit", "A unit certificate (some units only)")],
        default="full",
        validators=[InputRequired(message="Choose a full certificate or a unit certificate.")],
    )
    units = StringField(
        "Units achieved (for a unit certificate)",
        filters=[strip_text],
        validators=[Length(max=500, message="List the units in 500 characters or fewer.")],
        description="The unit codes or titles, separated by commas.",
    )
    completed_on = DateField(
        "Date assessment was completed",
        validators=[InputRequired(message="Enter the completion date, for example 2026-11-02.")],
    )
    assessment_signed_off = BooleanField(
        "Assessment is fully signed off for this learner",
        validators=[DataRequired(
            message="Confirm that assessment is fully signed off before claiming.")],
    )
    submit = SubmitField("Claim certificate")


class UploadRegistrationsForm(UploadCompletionsForm):
    file = FileField(
        "CSV file of learners to register",
        description="One learner a line, with the columns in the template. Up to 20,000 learners.",
        render_kw={"accept": ".csv,text/csv"},
    )


class LearnerSearchForm(FlaskForm):
    """The learner list's search, read from the query string (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = SearchField("Search by name, email or identifier", filters=[strip_text],
                    validators=[Optional(), Length(max=100)])


class SignOffRouteForm(FlaskForm):
    route = SelectField("Sign-off route", choices=[
        SelectChoice("external", "Our quality assurer signs off each claim"),
        SelectChoice("direct", "Direct claim status: the centre's own sign-off counts"),
    ])
    submit = SubmitField("Save route")


class ReissueForm(FlaskForm):
    reason = StringField(
        "Why it is being reissued", filters=[strip_text],
        validators=[DataRequired(message="Say why the certificate is being reissued."),
                    Length(max=200)],
        description="For example: reprint after loss, or name corrected.",
    )
    learner_name = StringField(
        "Corrected name (leave blank to keep the name)", filters=[strip_text],
        validators=[Optional(), Length(max=120)],
    )
    submit = SubmitField("Reissue the certificate")


class VerifyForm(FlaskForm):
    class Meta:
        csrf = False

    code = StringField(
        "Verification code", filters=[strip_text],
        validators=[DataRequired(message="Enter the verification code from the certificate."),
                    Length(max=40, message="That is too long for a verification code.")],
        description="12 letters and numbers, printed on the certificate, like 7KQ4-MZ2P-X9DA.",
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    submit = SubmitField("Check certificate")
