"""Forms for every kind of request, for members and for visitors, and the request page's forms.

Each request form knows how to turn its answers into a subject, a body and kind-specific
details (``values()``), so views stay thin. Files are checked here, from their content; a
file over 10 MB is an error on the form, which comes back with what was typed (the browser
checks sizes first; a body over the whole cap still gets the 413 page).
"""

from __future__ import annotations

import re
import secrets

from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage
from wtforms import (
    EmailField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.accounts.forms import EmailAddress, size_check_attributes, strip_text
from portal.charter.wording import cutoff_words
from portal.phones import PhoneNumber
from portal.requests import files
from portal.requests.models import Kind
from portal.settings.services import get_calendar

SUBJECT_MAX = 150
BODY_MAX = 5000
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the choice objects WTForms 3.3 wants."""
    return [SelectChoice(value, label) for value, label in pairs]


def label_of(field, value: str) -> str:
    return next(c.label for c in field.choices if c.value == value)


def required(message: str):
    return DataRequired(message=message)


def at_most(n: int, what: str):
    return Length(max=n, message=f"{what} must be {n:,} characters or fewer.")


def long_text(label: str, missing: str, n: int = BODY_MAX, **kw) -> TextAreaField:
    return TextAreaField(label, validators=[required(missing), at_most(n, label.rstrip("?"))],
                         filters=[strip_text], **kw)


def subject_field(label: str = "Subject", missing: str = "Enter a subject.", **kw) -> StringField:
    return StringField(label, validators=[required(missing), at_most(SUBJECT_MAX, "The subject")],
                       filters=[strip_text], **kw)


class Attachments:
    """Checks uploaded files by content, keeping the good ones on ``field.uploads``."""

    def __call__(self, form, field) -> None:
        field.uploads = []
        chosen = [f for f in (field.data or []) if isinstance(f, FileStorage) and f.filename]
        if len(chosen) > files.MAX_FILES:
            raise ValidationError(f"Attach up to {files.MAX_FILES} files.")
        problems = []
        for storage in chosen:
            data = storage.read(files.MAX_FILE_BYTES + 1)
            try:
                field.uploads.append(files.check_upload(storage.filename, data))
            except files.FileRejected as exc:
                problems.append(str(exc))
        if problems:
            field.uploads = []
            raise ValidationError(" ".join(problems) + " Choose the files again.")


def attachments_field(label: str = "Attach files (optional)") -> MultipleFileField:
    return MultipleFileField(
        label,
        validators=[Attachments()],
        description=(
            f"{files.ACCEPTED_WORDS} files, up to 10 MB each and up to {files.MAX_FILES} files."
        ),
        render_kw=size_check_attributes(files.MAX_FILE_BYTES, files.MAX_FILES),
    )


class VisitorDetails(FlaskForm):
    """Who to reply to, for people without an account."""

    full_name = StringField(
        "Your name", validators=[required("Enter your name."), at_most(120, "Your name")],
        filters=[strip_text], render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        "Email address",
        validators=[required("Enter your email address."), at_most(254, "Email address"),
                    EmailAddress()],
        description="We send your reference and a private link to this address.",
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    contact_phone = TelField(
        "Phone number (optional)", validators=[Optional(), at_most(40, "Phone number"),
                                               PhoneNumber()],
        render_kw={"autocomplete": "tel"},
    )


class RequestForm(FlaskForm):
    """Fields every request form has: the one-off key that stops a double submission."""

    kind: Kind
    heading = ""
    intro = ""
    #: Whether the help centre suggests articles while this form is written (issue #18).
    suggests_help = False
    submission_key = HiddenField()
    # "1" once the person has seen suggested articles; the ids of those they opened.
    help_checked = HiddenField()
    help_read = HiddenField()
    submit = SubmitField("Send")

    def fresh_key(self) -> None:
        if not self.submission_key.data:
            self.submission_key.data = secrets.token_urlsafe(16)

    def validate_submission_key(self, field) -> None:
        if field.data and not _KEY.match(field.data):
            field.data = ""

    def values(self) -> tuple[str, str, dict]:
        """(subject, body, details) for :func:`portal.requests.services.submit_request`."""
        raise NotImplementedError

    @property
    def uploads(self) -> list[files.Upload]:
        field = getattr(self, "attachments", None)
        return list(getattr(field, "uploads", []) if field is not None else [])

    @property
    def request_fields(self) -> list:
        skip = {"submission_key", "submit", "csrf_token", "help_checked", "help_read"}
        return [f for f in self if f.name not in skip]


class QueryForm(RequestForm):
    kind = Kind.QUERY
    suggests_help = True
    heading = "Ask a question"
    intro = "Ask us anything about your membership, our services or events."
    subject = subject_field()
    body = long_text("Your question", "Enter your question.")
    attachments = attachments_field()

    def values(self):
        return self.subject.data, self.body.data, {}


class ComplaintForm(RequestForm):
    kind = Kind.COMPLAINT
    heading = "Make a complaint"
    intro = (
        "Tell us what went wrong and what you would like us to do. We will respond with a "
        "realistic date for putting things right."
    )
    subject = subject_field("What is your complaint about?", "Say what your complaint is about.")
    body = long_text("What happened", "Tell us what happened.")
    outcome = long_text(
        "What would you like us to do to put it right?",
        "Tell us what you would like us to do.",
        2000,
    )
    attachments = attachments_field()

    def values(self):
        return self.subject.data, self.body.data, {"outcome_wanted": self.outcome.data.strip()}


PREFERRED_TIMES = [
    ("any", "Any time in office hours (9am to 5pm)"),
    ("morning", "Morning (9am to midday)"),
    ("afternoon", "Afternoon (midday to 5pm)"),
]


class CallbackForm(RequestForm):
    kind = Kind.CALLBACK
    heading = "Ask us to call you back"
    intro = "We call back within one working day, during office hours."
    phone = TelField(
        "Phone number",
        validators=[required("Enter the phone number to call."), at_most(40, "Phone number"),
                    PhoneNumber()],
        render_kw={"autocomplete": "tel"},
    )
    preferred_time = RadioField(
        "When is best to call?", choices=choices(PREFERRED_TIMES), default="any",
        validators=[required("Choose when is best to call.")],
    )
    body = long_text("What would you like to talk about?", "Tell us what the call is about.", 2000)

    def values(self):
        when = dict(PREFERRED_TIMES)[self.preferred_time.data]
        return (
            "Please call me back",
            self.body.data,
            {"phone": self.phone.data, "preferred_time": self.preferred_time.data,
             "preferred_time_words": when},
        )


FEEDBACK_ABOUT = [("product", "A product"), ("service", "A service"), ("event", "An event")]
RATINGS = [
    ("5", "5, very good"), ("4", "4, good"), ("3", "3, neither good nor poor"),
    ("2", "2, poor"), ("1", "1, very poor"),
]


class FeedbackForm(RequestForm):
    kind = Kind.FEEDBACK
    heading = "Give feedback"
    intro = "Ideas and opinions on our products, services and events help us improve."
    about = RadioField("What is your feedback about?", choices=choices(FEEDBACK_ABOUT),
                       validators=[required("Choose what your feedback is about.")])
    subject = subject_field("Which product, service or event?", "Say which one.")
    body = long_text("Your feedback", "Enter your feedback.")
    rating = RadioField("How would you rate it? (optional)", choices=choices(RATINGS),
                        validators=[Optional()], validate_choice=True)

    def values(self):
        details = {"about": self.about.data}
        if self.rating.data:
            details["rating"] = int(self.rating.data)
        return self.subject.data, self.body.data, details


def grade_choices(grades, above: str | None = None) -> list[SelectChoice]:
    """The grades a person may apply for: all of them, or those above ``above``."""
    codes = [code for code, _ in grades]
    start = codes.index(above) + 1 if above in codes else 0
    return choices(list(grades)[start:])


class ApplicationForm(RequestForm):
    kind = Kind.APPLICATION
    heading = "Apply for membership"
    intro = "Tell us which grade you are applying for and about your experience."
    grade = SelectField("Grade you are applying for",
                        validators=[required("Choose a grade.")])
    body = long_text("Your experience and qualifications",
                 "Tell us about your experience and qualifications.")
    attachments = attachments_field("Supporting documents (optional)")

    def values(self):
        label = label_of(self.grade, self.grade.data)
        return f"Application for {label}", self.body.data, {"grade": self.grade.data}


class UpgradeForm(RequestForm):
    kind = Kind.UPGRADE
    heading = "Apply to upgrade your membership"
    intro = "Tell us the grade you want to move to and show how you meet it."
    grade = SelectField("Grade you want to move to", validators=[required("Choose a grade.")])
    body = long_text("Evidence that you meet the grade",
                 "Describe the evidence that you meet the grade.")
    attachments = attachments_field("Evidence documents (optional)")

    def values(self):
        label = label_of(self.grade, self.grade.data)
        return f"Upgrade to {label}", self.body.data, {"target_grade": self.grade.data}


#: URL words for each form, in the order the choice page lists them.
MEMBER_FORMS: dict[str, type[RequestForm]] = {
    "question": QueryForm,
    "complaint": ComplaintForm,
    "callback": CallbackForm,
    "feedback": FeedbackForm,
    "upgrade": UpgradeForm,
    "application": ApplicationForm,
}


def _visitor(form: type[RequestForm]) -> type[RequestForm]:
    # A call-back form asks for the number to call already.
    extra = {"contact_phone": None} if form is CallbackForm else {}
    return type(f"Visitor{form.__name__}", (VisitorDetails, form), extra)


VISITOR_FORMS: dict[str, type[RequestForm]] = {
    slug: _visitor(MEMBER_FORMS[slug]) for slug in ("question", "complaint", "callback", "feedback")
}


# ------------------------------------------------------------------ the request page


class ReplyForm(FlaskForm):
    body = TextAreaField(
        "Your message",
        validators=[required("Enter your message."), at_most(BODY_MAX, "Your message")],
        filters=[strip_text],
    )
    attachments = attachments_field()
    submit = SubmitField("Send message")


class DiscussForm(FlaskForm):
    body = TextAreaField(
        "What would suit you better? (optional)",
        validators=[Optional(), at_most(2000, "Your message")],
        filters=[strip_text],
    )
    submit = SubmitField("Ask to discuss the date")


class AcceptForm(FlaskForm):
    submit = SubmitField("Accept this date")


class RatingForm(FlaskForm):
    rating = RadioField("How well did we handle your request?", choices=choices(RATINGS),
                        validators=[required("Choose a rating from 1 to 5.")])
    comment = TextAreaField("Anything you would like to tell us? (optional)",
                            validators=[Optional(), at_most(2000, "Your comment")],
                            filters=[strip_text])
    submit = SubmitField("Send rating")


class EmployerSupportForm(RequestForm):
    kind = Kind.EMPLOYER_SUPPORT
    suggests_help = True
    heading = "Contact your support person"

    @property
    def intro(self) -> str:
        # The cut-off is an administrator's setting: say the time it is now (CHARTER §3).
        cutoff = get_calendar().rules.same_day_cutoff
        return ("Ask about delivering our services to your organisation or about a problem "
                "with a system. Your support contact replies the same working day; requests "
                f"that reach us {cutoff_words(cutoff)} are answered the next working day.")
    subject = subject_field()
    body = long_text("How can we help?", "Tell us what you need.")
    attachments = attachments_field()

    def values(self):
        return self.subject.data, self.body.data, {}
