"""Forms for centre approval, completions and certificates (centre and staff sides).

Application steps may be saved half-done ("Save and come back later"); the fields a step
needs are only insisted on when the person chooses "Save and continue". Formats are checked
either way, so nothing malformed is ever stored.
"""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from portal.accounts.forms import (
    EmailAddress,
    email_field,
    new_password_fields,
    size_check_attributes,
    strip_text,
)
from portal.phones import PhoneNumber
from portal.security.uploads import MAX_UPLOAD_BYTES

_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
_WEBSITE = re.compile(r"^(https?://)?[\w-]+(\.[\w-]+)+(/\S*)?$", re.IGNORECASE)


def _postcode(form, field) -> None:
    if field.data and not _POSTCODE.match(field.data.upper()):
        raise ValidationError("Enter a UK postcode, like LS2 8AA.")


def _website(form, field) -> None:
    if field.data and not _WEBSITE.match(field.data):
        raise ValidationError("Enter a web address, like www.example.org.uk.")


def _text(label: str, max_length: int, **kwargs) -> StringField:
    return StringField(
        label,
        validators=[
            Optional(),
            Length(max=max_length, message=f"{label} must be {max_length} characters or fewer."),
        ],
        filters=[strip_text],
        **kwargs,
    )


def _area(label: str, max_length: int, **kwargs) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            Optional(),
            Length(max=max_length, message=f"{label} must be {max_length} characters or fewer."),
        ],
        filters=[strip_text],
        **kwargs,
    )


def _email(label: str) -> EmailField:
    return EmailField(
        label,
        validators=[
            Optional(),
            Length(max=254, message="Email address must be 254 characters or fewer."),
            EmailAddress(),
        ],
        filters=[strip_text],
        render_kw={"spellcheck": "false"},
    )


def _phone(label: str) -> StringField:
    return StringField(
        label,
        validators=[
            Optional(),
            Length(max=40, message="That phone number is too long."),
            PhoneNumber("Enter a phone number, like 01632 960 001 or +44 1632 960 001."),
        ],
        filters=[strip_text],
        render_kw={"type": "tel"},
    )


# -- application steps ------------------------------------------------------------------------


class StepForm(FlaskForm):
    """One step of the application. ``REQUIRED`` maps a field to the message shown when it is
    left empty and the person wants to move on."""

    REQUIRED: dict[str, str] = {}

    save_continue = SubmitField("Save and continue")
    save_draft = SubmitField("Save and come back later")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.save_continue.data:
            for name, message in self.REQUIRED.items():
                field = self[name]
                empty = field.data is None or (isinstance(field.data, str) and not field.data)
                if empty and not field.errors:
                    field.errors = [*field.errors, message]
                    valid = False
        return valid

    def values(self) -> dict:
        skip = {"save_continue", "save_draft", "csrf_token"}
        return {name: field.data for name, field in self._fields.items() if name not in skip}


class OrganisationStepForm(StepForm):
    REQUIRED = {
        "legal_name": "Enter the organisation's legal name.",
        "address": "Enter the organisation's address.",
        "postcode": "Enter the postcode.",
        "phone": "Enter a phone number.",
    }
    legal_name = _text(
        "Legal name of the organisation", 200, render_kw={"autocomplete": "organization"}
    )
    address = _area("Address", 500, render_kw={"autocomplete": "street-address", "rows": 3})
    postcode = _text("Postcode", 10, render_kw={"autocomplete": "postal-code"})
    phone = _phone("Main phone number")
    # Typed as text with a URL keyboard: people write "www.example.org.uk", which the
    # browser's own url type refuses (and a saved value would then be invalid HTML).
    website = _text(
        "Website (optional)",
        200,
        render_kw={"inputmode": "url", "autocomplete": "url", "spellcheck": "false"},
    )
    registration_number = _text(
        "Company or charity number (optional)",
        40,
        description="If you are a registered company or charity.",
    )

    def validate_postcode(self, field):
        _postcode(self, field)
        if field.data:
            compact = field.data.upper().replace(" ", "")
            field.data = f"{compact[:-3]} {compact[-3:]}"

    def validate_website(self, field):
        _website(self, field)


class ContactsStepForm(StepForm):
    REQUIRED = {
        "head_name": "Enter the head of centre's name.",
        "head_email": "Enter the head of centre's email address.",
        "quality_name": "Enter the quality nominee's name.",
        "quality_email": "Enter the quality nominee's email address.",
    }
    head_name = _text("Head of centre: full name", 120)
    head_email = _email("Head of centre: email address")
    head_phone = _phone("Head of centre: phone (optional)")
    quality_name = _text("Quality nominee: full name", 120)
    quality_email = _email("Quality nominee: email address")
    quality_phone = _phone("Quality nominee: phone (optional)")


class QualificationsStepForm(StepForm):
    qualifications = SelectMultipleField("Qualifications you want to deliver", coerce=int)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.save_continue.data and not self.qualifications.data:
            self.qualifications.errors = ["Choose at least one qualification."]
            valid = False
        return valid


class QualityStepForm(StepForm):
    REQUIRED = {
        "qa_lead_name": "Enter the name of your lead internal quality assurer.",
        "assessor_count": "Enter how many assessors you have.",
        "internal_qa": "Describe how you quality-assure assessment.",
        "standardisation": "Describe how you standardise assessors' decisions.",
    }
    qa_lead_name = _text("Lead internal quality assurer: full name", 120)
    assessor_count = IntegerField(
        "How many qualified assessors you have",
        validators=[
            Optional(),
            NumberRange(min=1, max=1000, message="Enter a whole number from 1 to 1,000."),
        ],
        render_kw={"inputmode": "numeric"},
    )
    internal_qa = _area(
        "How you quality-assure assessment",
        4000,
        description="For example sampling plans, observation of assessors, and record keeping.",
    )
    standardisation = _area(
        "How you standardise assessors' decisions",
        4000,
        description="For example standardisation meetings and how often they happen.",
    )


class DocumentForm(FlaskForm):
    title = StringField(
        "What the document is",
        validators=[
            DataRequired(message="Say what the document is."),
            Length(max=200, message="Keep the description to 200 characters or fewer."),
        ],
        filters=[strip_text],
        description="For example 'Quality assurance policy' or 'Insurance certificate'.",
    )
    file = FileField(
        "Choose a file",
        description="PDF, Word (.docx), PNG or JPEG, up to 10 MB.",
        render_kw={"accept": ".pdf,.docx,.png,.jpg,.jpeg",
                   **size_check_attributes(MAX_UPLOAD_BYTES)},
    )
    upload = SubmitField("Upload document")

    def validate_file(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError("Choose a file to upload.")


class SubmitApplicationForm(FlaskForm):
    confirm = BooleanField(
        "I confirm the information in this application is correct",
        validators=[DataRequired(message="Confirm the information is correct.")],
    )
    submit = SubmitField("Send the application")


class RespondForm(FlaskForm):
    message = TextAreaField(
        "Your reply",
        validators=[
            DataRequired(message="Tell us what you have changed or added."),
            Length(max=4000, message="Keep your reply to 4,000 characters or fewer."),
        ],
        filters=[strip_text],
        description="Say what you have changed in the application or which documents you added.",
    )
    submit = SubmitField("Send your reply")


class StartCentreForm(FlaskForm):
    """A visitor registers a learning organisation and its first user."""

    organisation_name = StringField(
        "Name of your organisation",
        validators=[
            DataRequired(message="Enter the name of your organisation."),
            Length(max=200, message="Organisation name must be 200 characters or fewer."),
        ],
        filters=[strip_text],
        render_kw={"autocomplete": "organization"},
    )
    full_name = StringField(
        "Your full name",
        validators=[
            DataRequired(message="Enter your full name."),
            Length(max=120, message="Full name must be 120 characters or fewer."),
        ],
        filters=[strip_text],
        render_kw={"autocomplete": "name"},
    )
    email = email_field("Your email address")
    # The same password rules as every other account (portal.accounts.passwords).
    password, confirm = new_password_fields(first_time=True)
    submit = SubmitField("Create account and start")


# -- staff decisions ---------------------------------------------------------------------------


class RequestInfoForm(FlaskForm):
    message = TextAreaField(
        "What you need from the centre",
        validators=[
            DataRequired(message="Say what information you need."),
            Length(max=4000, message="Keep the request to 4,000 characters or fewer."),
        ],
        filters=[strip_text],
        description="The centre is emailed this. The approval clock pauses until they reply.",
    )
    ask = SubmitField("Ask for more information")


class ApproveForm(FlaskForm):
    note = TextAreaField(
        "Note to the centre (optional)",
        validators=[Optional(), Length(max=4000, message="Keep the note to 4,000 characters.")],
        filters=[strip_text],
    )
    approve = SubmitField("Approve and issue a centre number")


class DeclineForm(FlaskForm):
    reasons = TextAreaField(
        "Reasons for declining",
        validators=[
            DataRequired(message="Give the reasons for declining."),
            Length(max=4000, message="Keep the reasons to 4,000 characters or fewer."),
        ],
        filters=[strip_text],
        description="The centre reads these in the portal and in an email.",
    )
    decline = SubmitField("Decline the application")


