"""Staff console forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation

from portal.accounts.forms import EmailAddress, strip_text
from portal.requests.forms import BODY_MAX, PhoneNumber, attachments_field
from portal.requests.promises import next_working_day_for, not_a_working_day


class AbsenceForm(FlaskForm):
    starts_on = DateField(
        "First day away", validators=[InputRequired(message="Enter the first day you are away.")]
    )
    ends_on = DateField(
        "Last day away", validators=[InputRequired(message="Enter the last day you are away.")]
    )
    note = StringField(
        "Note for colleagues",
        validators=[Optional(), Length(max=200, message="Keep the note to 200 characters.")],
    )
    submit = SubmitField("Record absence")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.ends_on.data < self.starts_on.data:
            self.ends_on.errors.append("The last day away must be on or after the first day.")
            return False
        return True


# ------------------------------------------------------------- acting on a request (issue #5)


class VersionedForm(FlaskForm):
    """A change to a request: carries the version the person saw, and the last event shown.

    The version is compared on save (``services.claim_version``), so of two people who
    opened the same request the second to save is refused; the event id lets the page
    list exactly what happened since they looked.
    """

    #: The field a rule's refusal (a RequestError) is shown against.
    error_field = "submit"
    version = HiddenField()
    seen_event = HiddenField()

    @property
    def seen_version(self) -> int | None:
        value = (self.version.data or "").strip()
        return int(value) if value.isdigit() and len(value) < 10 else None

    @property
    def seen_event_id(self) -> int:
        value = (self.seen_event.data or "").strip()
        return int(value) if value.isdigit() and len(value) < 12 else 0


class Chosen:
    """A choice must be made; unlike InputRequired it adds no ``required`` attribute, which
    HTML does not allow on a select whose first option is a real choice."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field) -> None:
        if not field.data:
            raise StopValidation(self.message)



def _body(label: str, missing: str, required: bool = True, **kw) -> TextAreaField:
    # DataRequired after stripping: a reply of spaces is no reply.
    first = DataRequired(message=missing) if required else Optional()
    return TextAreaField(
        label,
        validators=[first, Length(max=BODY_MAX, message=f"Keep it to {BODY_MAX:,} characters.")],
        filters=[strip_text],
        **kw,
    )


class DayField(DateField):
    """A date typed as a date, with a plain message when it is not one."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("Enter a real date, like 27 11 2026.") from None


class WorkingDay:
    """A date staff promise must be a working day (CHARTER.md section 9). When it is not,
    the field offers the next working day in its place and the error says why, so saving
    again accepts the offer."""

    def __call__(self, form, field) -> None:
        if field.data is None:
            return
        refusal = not_a_working_day(field.data)
        if refusal:
            field.data = next_working_day_for(field.data) if "next working" in refusal else None
            field.raw_data = None
            raise StopValidation(refusal)


class StaffReplyForm(VersionedForm):
    error_field = "resolution_date"
    body = _body("Reply to the customer", "Enter your reply.")
    resolution_date = DayField(
        "Date to resolve by (optional)",
        validators=[Optional(), WorkingDay()],
        description="Propose when this will be put right. A first reply to a complaint needs one.",
    )
    resolves = BooleanField("This reply resolves the request")
    attachments = attachments_field("Attach files (optional)")
    submit = SubmitField("Send reply")

    @property
    def uploads(self) -> list:
        return list(getattr(self.attachments, "uploads", []))


class NoteForm(VersionedForm):
    error_field = "body"
    body = _body("Internal note", "Enter a note.",
                 description="Only staff see this. It is never shown or sent to the customer.")
    submit = SubmitField("Add internal note")


class AssignForm(VersionedForm):
    error_field = "assignee"
    assignee = SelectField("Assigned to", choices=[], validate_choice=True)
    submit = SubmitField("Assign")


STATUS_CHOICES = [
    SelectChoice("received", "Received"),
    SelectChoice("with_team", "With our team"),
    SelectChoice("answered", "Answered"),
]


class StatusForm(VersionedForm):
    error_field = "status"
    status = SelectField("Status", choices=STATUS_CHOICES,
                         validators=[Chosen("Choose a status.")])
    submit = SubmitField("Change status")


class ProposeDateForm(VersionedForm):
    error_field = "resolution_date"
    resolution_date = DayField("Date to resolve by", description="A working day.",
                               validators=[InputRequired(message="Enter the date to resolve by."),
                                           WorkingDay()])
    submit = SubmitField("Propose date")


class RedateForm(VersionedForm):
    error_field = "resolution_date"
    resolution_date = DayField("New date to resolve by", description="A working day.",
                               validators=[InputRequired(message="Enter the new date."),
                                           WorkingDay()])
    reason = _body("Reason for the new date", "Enter the reason for the new date.",
                   description="The customer is told the new date and this reason.")
    submit = SubmitField("Change the date")


class WaitForm(VersionedForm):
    error_field = "body"
    body = _body("What do you need from the customer?",
                 "Enter what you need from the customer.",
                 description="Sent to the customer. The resolution date pauses until they reply.")
    submit = SubmitField("Ask and wait for the customer")


class ResumeForm(VersionedForm):
    submit = SubmitField("Stop waiting and carry on")


class ResolveForm(VersionedForm):
    error_field = "body"
    body = _body("Message to the customer (optional)", "", required=False)
    submit = SubmitField("Mark as resolved")


class CloseForm(VersionedForm):
    submit = SubmitField("Close the request")


class CallbackRecordForm(VersionedForm):
    error_field = "outcome"
    outcome = RadioField(
        "What happened on the call?",
        choices=[SelectChoice("spoke", "We spoke to them"),
                 SelectChoice("message", "We left a message")],
        validators=[InputRequired(message="Say whether you spoke to them or left a message.")],
    )
    note = _body("Note (optional)", "", required=False)
    submit = SubmitField("Record the call")


class MembershipDecisionForm(VersionedForm):
    error_field = "decision"
    decision = RadioField(
        "Decision",
        choices=[SelectChoice("approve", "Approve"), SelectChoice("decline", "Decline")],
        validators=[InputRequired(message="Choose approve or decline.")],
    )
    grade = SelectField("Grade", choices=[], validate_choice=True)
    message = _body(
        "Message to the applicant", "", required=False,
        description="Approving: anything to add (optional). Declining: the reasons (required).",
    )
    submit = SubmitField("Confirm the decision")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.decision.data == "decline" and not (self.message.data or "").strip():
            self.message.errors.append("Give the reasons for declining.")
            return False
        return True


# ----------------------------------------------------------- logging contact on someone's behalf

LOG_KINDS = [
    SelectChoice("query", "Question"),
    SelectChoice("complaint", "Complaint"),
    SelectChoice("callback", "Call back request"),
    SelectChoice("feedback", "Feedback"),
]
LOG_CHANNELS = [
    SelectChoice("phone", "Phone message"),
    SelectChoice("letter", "Letter"),
    SelectChoice("email", "Email"),
    SelectChoice("social", "Social media post"),
]


class LogContactForm(FlaskForm):
    person = HiddenField()
    full_name = StringField("Name", filters=[strip_text], validators=[
        Optional(), Length(max=120, message="The name must be 120 characters or fewer.")])
    email = EmailField("Email address", filters=[strip_text], validators=[
        Optional(), Length(max=254, message="The email address is too long."), EmailAddress()],
        render_kw={"spellcheck": "false"})
    phone = TelField("Phone number (optional)", validators=[Optional(), Length(max=40),
                                                            PhoneNumber()])
    kind = SelectField("Kind of request", choices=LOG_KINDS,
                       validators=[Chosen("Choose the kind of request.")])
    channel = RadioField("How did it arrive?", choices=LOG_CHANNELS,
                         validators=[InputRequired(message="Choose how it arrived.")])
    received_on = DayField("Date it arrived",
                           validators=[InputRequired(message="Enter the date it arrived.")])
    received_time = TimeField(
        "Time it arrived (London time)",
        validators=[InputRequired(message="Enter the time it arrived, like 14:30.")],
        description="The charter clock starts from when it reached us, not from now.",
    )
    subject = StringField("Subject", filters=[strip_text], validators=[
        DataRequired(message="Enter a subject."),
        Length(max=150, message="The subject must be 150 characters or fewer.")])
    body = _body("What they said", "Enter what they said or wrote.")
    submit = SubmitField("Log the request")

    #: Which field shows a refusal naming a :func:`portal.staff.services.log_contact` argument.
    SERVICE_FIELDS = {"received_at": "received_time", "name": "full_name", "phone": "phone"}

    def validate(self, extra_validators=None) -> bool:
        """A new contact (no person chosen) needs a name and an email address to reply to."""
        valid = super().validate(extra_validators)
        if not self.person.data:
            if not self.full_name.data:
                self.full_name.errors.append("Enter the new contact's name, or choose a person.")
            if not self.email.data:
                self.email.errors.append("Enter the new contact's email address.")
        return valid and bool(self.person.data or (self.full_name.data and self.email.data))

    def contact(self) -> dict:
        """What was typed, as :func:`portal.staff.services.log_contact` takes it."""
        return {"kind": self.kind.data, "channel": self.channel.data,
                "subject": self.subject.data, "body": self.body.data,
                "name": self.full_name.data or "", "email": self.email.data or "",
                "phone": self.phone.data or ""}

    def show_refusal(self, argument: str, message: str) -> None:
        """Put a service's refusal beside the field it names, else above the form."""
        name = self.SERVICE_FIELDS.get(argument)
        if name is None:
            self.form_errors.append(message)
        else:
            getattr(self, name).errors = [*getattr(self, name).errors, message]


class ReusableReplyForm(FlaskForm):
    kind = SelectField("Kind of request", choices=[],
                       validators=[Chosen("Choose the kind of request.")])
    title = StringField("Title", filters=[strip_text], validators=[
        DataRequired(message="Enter a title."),
        Length(max=120, message="The title must be 120 characters or fewer.")])
    body = _body("Reply text", "Enter the reply text.",
                 description="Staff can edit it before sending.")
    submit = SubmitField("Save reply")


class DeleteForm(FlaskForm):
    submit = SubmitField("Delete")


class StaffRenewalDateForm(FlaskForm):
    """Staff change a member's renewal date; the reason goes into the audit log."""

    renewal_date = DateField("New renewal date", validators=[InputRequired(
        message="Enter the new renewal date."
    )])
    reason = StringField("Reason", validators=[
        InputRequired(message="Say why the renewal date is changing."), Length(max=300)
    ])
