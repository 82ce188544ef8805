"""The centre's application in steps: what each step holds and what it still needs before
the application is complete and can be sent (CHARTER.md section 4, ``centre-approval``)."""

from __future__ import annotations

from sqlalchemy import select

from portal.approvals.models import CentreApplication, Qualification
from portal.extensions import db

STEPS: tuple[str, ...] = ("organisation", "contacts", "qualifications", "quality", "documents")
STEP_TITLES = {
    "organisation": "Organisation details",
    "contacts": "Contacts",
    "qualifications": "Qualifications you want to deliver",
    "quality": "Quality assurance arrangements",
    "documents": "Supporting documents",
}

# What each step needs before the application counts as complete: (field, what is missing).
REQUIRED: dict[str, tuple[tuple[str, str], ...]] = {
    "organisation": (
        ("legal_name", "the organisation's legal name"),
        ("address", "the address"),
        ("postcode", "the postcode"),
        ("phone", "a phone number"),
    ),
    "contacts": (
        ("head_name", "the head of centre's name"),
        ("head_email", "the head of centre's email address"),
        ("quality_name", "the quality nominee's name"),
        ("quality_email", "the quality nominee's email address"),
    ),
    "quality": (
        ("qa_lead_name", "the name of your lead internal quality assurer"),
        ("assessor_count", "how many assessors you have"),
        ("internal_qa", "how you quality-assure assessment"),
        ("standardisation", "how you standardise assessors' decisions"),
    ),
}

#: Columns each step's form may write; nothing else on the application is the centre's to set.
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "organisation": (
        "legal_name",
        "address",
        "postcode",
        "phone",
        "website",
        "registration_number",
    ),
    "contacts": (
        "head_name",
        "head_email",
        "head_phone",
        "quality_name",
        "quality_email",
        "quality_phone",
    ),
    "quality": ("qa_lead_name", "assessor_count", "internal_qa", "standardisation"),
}


def qualification_catalogue() -> list[Qualification]:
    """The qualifications a centre can apply to deliver, in code order."""
    return list(
        db.session.scalars(
            select(Qualification).where(Qualification.is_active).order_by(Qualification.code)
        )
    )


def step_problems(application: CentreApplication) -> dict[str, list[str]]:
    """For each step, what is still missing (an empty list when the step is complete)."""
    problems: dict[str, list[str]] = {step: [] for step in STEPS}
    for step, needed in REQUIRED.items():
        for name, what in needed:
            value = getattr(application, name)
            if value is None or (isinstance(value, str) and not value.strip()):
                problems[step].append(f"Add {what}.")
    if not application.qualifications:
        problems["qualifications"].append("Choose at least one qualification.")
    if not application.documents:
        problems["documents"].append("Upload at least one supporting document.")
    return problems


def step_state(application: CentreApplication, step: str) -> str:
    """'Complete', 'In progress' or 'Not started', for the task list."""
    if not step_problems(application)[step]:
        return "Complete"
    started = (
        any(getattr(application, f) not in (None, "") for f in STEP_FIELDS.get(step, ()))
        or (step == "qualifications" and bool(application.qualifications))
        or (step == "documents" and bool(application.documents))
    )
    return "In progress" if started else "Not started"
