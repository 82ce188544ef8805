"""The request forms only a learning centre sends: process enquiries, certificate reprints,
amendments and corrections, and appeals (CHARTER.md sections 4 and 9). Each is a request of
its own with its own promise; the shared fields come from :mod:`portal.requests.forms`."""

from __future__ import annotations

from wtforms import RadioField, StringField

from portal.requests.forms import (
    RequestForm,
    at_most,
    attachments_field,
    choices,
    label_of,
    long_text,
    required,
    subject_field,
)
from portal.requests.models import Kind


class CentreSupportForm(RequestForm):
    kind = Kind.CENTRE_SUPPORT
    suggests_help = True
    heading = "Ask about our processes"
    intro = (
        "Ask us about registration, assessment, quality assurance or certification. We reply "
        "within 2 working days."
    )
    subject = subject_field()
    body = long_text("Your question", "Enter your question.")
    attachments = attachments_field()

    def values(self):
        return self.subject.data, self.body.data, {}


REPRINT_REASONS = [
    ("lost", "Lost (never arrived, or mislaid)"),
    ("damaged", "Damaged"),
    ("wrong-details", "Wrong details on the certificate"),
]


class ReprintForm(RequestForm):
    """A reprint of a posted certificate: a request of its own (issue #6)."""

    kind = Kind.REPRINT
    heading = "Ask for a reprint"
    intro = (
        "Tell us why the certificate needs printing again. We post reprints within 15 "
        "working days."
    )
    reason = RadioField("Why is a reprint needed?", choices=choices(REPRINT_REASONS),
                        validators=[required("Choose why a reprint is needed.")])
    body = long_text("What should we know?",
                 "Tell us what happened, and the correct details if they were wrong.", 2000)

    def values(self):
        # The subject and details are completed by the view, which knows the certificate.
        return "", self.body.data, {"reason": self.reason.data,
                                    "reason_words": label_of(self.reason, self.reason.data)}


AMENDMENT_WHAT = [
    ("name", "A wrong name on a certificate"),
    ("record", "A wrong detail in a learner's record (qualification, date, units)"),
    ("other", "Something else to correct"),
]


class AmendmentForm(RequestForm):
    """An amendment or certificate correction: a request of its own (issue 20)."""

    kind = Kind.AMENDMENT
    heading = "Ask for an amendment or correction"
    intro = ("Tell us what is wrong and what it should be. We complete amendments and "
             "certificate corrections within 10 working days.")
    what = RadioField("What needs correcting?", choices=choices(AMENDMENT_WHAT),
                      validators=[required("Choose what needs correcting.")])
    learner = StringField(
        "Learner and certificate number", validators=[
            required("Say which learner (and certificate number, if there is one)."),
            at_most(200, "The learner and certificate number")])
    body = long_text("What is wrong, and what should it say?",
                 "Tell us what is wrong and what it should be.", 2000)
    attachments = attachments_field()

    def values(self):
        what = label_of(self.what, self.what.data)
        return (f"{what}: {self.learner.data}"[:200], self.body.data,
                {"what": self.what.data, "learner": self.learner.data})


APPEAL_WHAT = [
    ("result", "A result we gave that the centre disputes"),
    ("claim", "A claim we did not accept"),
    ("quality", "A quality visit outcome or action"),
    ("other", "Another decision of ours"),
]


class AppealForm(RequestForm):
    """An appeal against a decision or a disputed result: a request of its own (issue 20)."""

    kind = Kind.APPEAL
    heading = "Make an appeal"
    intro = ("Tell us which decision you are appealing against and why. We acknowledge "
             "appeals within 3 working days and decide them within 20.")
    what = RadioField("What are you appealing against?", choices=choices(APPEAL_WHAT),
                      validators=[required("Choose what you are appealing against.")])
    subject = subject_field()
    body = long_text("Why the decision should change", "Tell us why the decision should change.",
                 4000)
    attachments = attachments_field()

    def values(self):
        return self.subject.data, self.body.data, {"what": self.what.data}

