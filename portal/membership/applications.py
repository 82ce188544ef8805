"""Applications and upgrades that ask for exactly the evidence a grade needs.

Each grade's criteria and evidence are settings an administrator edits
(``settings.membership``). The form for a grade carries one required file field per piece
of evidence, so an incomplete application is refused with a list of what is missing, and
the 3-working-day promise (``membership-application``, CHARTER.md section 4) runs on
something staff can decide. The request keeps the criteria and a checklist of the evidence
as they were when it was sent, which staff see when deciding.
"""

from __future__ import annotations

from wtforms import MultipleFileField
from wtforms.validators import ValidationError

from portal.requests.forms import Attachments, RequestForm
from portal.settings.membership import Grade, grades


class Evidence(Attachments):
    """One piece of required evidence: at least one acceptable file."""

    def __init__(self, item: str) -> None:
        self.item = item

    def __call__(self, form, field) -> None:
        super().__call__(form, field)
        if not field.uploads:
            raise ValidationError(f"Attach the evidence: {self.item}.")


def chosen_grade(code: str | None, allowed: list[str]) -> Grade | None:
    return grades().get(code) if code in allowed else None


def with_evidence(
    form_class: type[RequestForm], grade: Grade | None, allowed: list[str]
) -> type[RequestForm]:
    """The application (or upgrade) form for ``grade``: the ``allowed`` grades' criteria,
    fees and evidence shown, and a required file field for each piece ``grade`` needs."""
    fields = {
        f"evidence_{n}": MultipleFileField(
            item,
            validators=[Evidence(item)],
            description="Required. PDF, image or Word files, up to 10 MB each.",
        )
        for n, item in enumerate(grade.evidence if grade else ())
    }

    class GradeForm(form_class):
        grade_info = grade
        grade_list = [found for code, found in grades().items() if code in allowed]

        @property
        def uploads(self):
            found = list(super().uploads)
            for name in fields:
                found.extend(getattr(self[name], "uploads", []))
            return found

        def values(self):
            subject, body, details = super().values()
            if grade is not None:
                details["criteria"] = grade.criteria
                details["evidence"] = [
                    {
                        "item": self[name].label.text,
                        "files": [u.original_name for u in getattr(self[name], "uploads", [])],
                    }
                    for name in fields
                ]
            return subject, body, details

    for name, field in fields.items():
        setattr(GradeForm, name, field)
    GradeForm.__name__ = form_class.__name__
    return GradeForm
