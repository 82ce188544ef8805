"""Centre approval: the application in steps, its clock, documents and staff decisions.

The ``centre-approval`` promise (CHARTER.md section 4) runs for 10 working days from a
complete application. Its due date is stored when the clock starts, with the policy version
that produced it, and only moves when staff wait for the centre (section 5). Services flush;
the request commits once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import insert, select

from portal import charter
from portal.accounts.models import Organisation, OrgKind, Role, User
from portal.accounts.passwords import hash_password
from portal.accounts.sign_in import find_user_by_email, normalise_email, send_verification
from portal.approvals.models import (
    ApplicationEvent,
    ApplicationStatus,
    CentreApplication,
    CentreDocument,
    Qualification,
    centre_qualification,
)
from portal.charter.wording import office_time_left
from portal.database import utcnow
from portal.extensions import db
from portal.notify.services import queue_email
from portal.security import uploads
from portal.settings.services import current_policy, get_calendar, office_settings, promises_for
from portal.urls import external_url

PROMISE = "centre-approval"


class CentreError(Exception):
    """A refusal whose message can be shown to the person as it is."""


# -- the steps --------------------------------------------------------------------------------

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


# -- the centre's side ----------------------------------------------------------------------------


def current_application(organisation: Organisation) -> CentreApplication | None:
    """The organisation's latest application, if any."""
    return db.session.scalar(
        select(CentreApplication)
        .where(CentreApplication.organisation_id == organisation.id)
        .order_by(CentreApplication.id.desc())
        .limit(1)
    )


def start_application(organisation: Organisation, user: User) -> CentreApplication:
    """Open a draft for an organisation that is not approved yet, or return the live one.

    A declined organisation may start again; the new draft begins from its last answers so
    nothing has to be typed twice.
    """
    if organisation.kind != OrgKind.CENTRE or organisation.is_approved:
        raise CentreError("Your centre is already approved.")
    latest = current_application(organisation)
    if latest is not None and latest.status != ApplicationStatus.DECLINED:
        return latest
    draft = CentreApplication(
        organisation=organisation,
        created_by=user,
        legal_name=organisation.name,
        address=organisation.address,
        phone=organisation.phone,
    )
    if latest is not None:
        for step_fields in STEP_FIELDS.values():
            for name in step_fields:
                setattr(draft, name, getattr(latest, name))
        draft.qualifications = list(latest.qualifications)
    db.session.add(draft)
    db.session.flush()
    return draft


def _require_editable(application: CentreApplication) -> None:
    if not application.is_editable:
        raise CentreError("This application has been sent and can no longer be changed.")


def save_step(application: CentreApplication, step: str, values: dict) -> None:
    """Save one step's answers (complete or not: a draft may be saved half-done)."""
    _require_editable(application)
    for name in STEP_FIELDS[step]:
        if name in values:
            value = values[name]
            if value is None and not CentreApplication.__table__.c[name].nullable:
                value = ""  # a text answer left out of the form is an empty answer
            setattr(application, name, value.strip() if isinstance(value, str) else value)
    application.updated_at = utcnow()
    db.session.flush()


def set_qualifications(application: CentreApplication, qualification_ids: list[int]) -> None:
    """Choose the qualifications applied for, from the active catalogue only."""
    _require_editable(application)
    chosen = list(
        db.session.scalars(
            select(Qualification).where(
                Qualification.id.in_(qualification_ids), Qualification.is_active
            )
        )
    )
    application.qualifications = chosen
    application.updated_at = utcnow()
    db.session.flush()


def submit_application(
    application: CentreApplication, user: User, now: datetime | None = None
) -> CentreApplication:
    """Send a complete application and start the ``centre-approval`` clock (CHARTER §2, §4, §5).

    Received now; the clock starts by the section 2 rule; the due date, the reason the clock
    start differs from receipt and the policy version are stored with the application.
    """
    if application.status != ApplicationStatus.DRAFT:
        raise CentreError("This application has already been sent.")
    missing = [STEP_TITLES[s] for s, problems in step_problems(application).items() if problems]
    if missing:
        raise CentreError("Complete every step before you send the application.")
    now = now or utcnow()
    calendar = get_calendar()
    policy = current_policy()
    promise = promises_for(policy)[PROMISE]
    start = charter.clock_start(now, calendar)
    application.received_at = now
    application.clock_started_at = start.started_at
    application.clock_start_reason = start.reason
    application.due_at = charter.due_at(promise, start.started_at, calendar)
    application.policy_version_id = policy.id
    application.status = ApplicationStatus.SUBMITTED.value
    application.updated_at = now
    event = _event(application, "submitted", "", user, now)
    _email_centre(
        application,
        event,
        "We have your centre approval application",
        "centre_application_submitted",
    )
    return application


def provide_information(
    application: CentreApplication, user: User, message: str, now: datetime | None = None
) -> CentreApplication:
    """The centre answers our request: the clock resumes and the due date moves on by the
    office time spent waiting (CHARTER §5)."""
    if application.status != ApplicationStatus.MORE_INFO:
        raise CentreError("We are not waiting for information on this application.")
    message = message.strip()
    if not message:
        raise CentreError("Tell us what you have changed or added.")
    now = now or utcnow()
    _resume(application, now)
    application.status = ApplicationStatus.SUBMITTED.value
    application.updated_at = now
    _event(application, "info_provided", message, user, now)
    return application


def _resume(application: CentreApplication, now: datetime) -> None:
    if application.paused_at is not None:
        application.due_at = charter.extend_for_pause(
            application.due_at, application.paused_at, now, get_calendar()
        )
        application.paused_at = None


# -- staff -------------------------------------------------------------------------------------


def request_more_information(
    application: CentreApplication, staff: User, message: str, now: datetime | None = None
) -> CentreApplication:
    """Ask the centre for more: the clock pauses until they answer (CHARTER §5)."""
    if application.status != ApplicationStatus.SUBMITTED:
        raise CentreError("You can only ask for information on an application with our team.")
    message = message.strip()
    if not message:
        raise CentreError("Say what information you need.")
    now = now or utcnow()
    application.status = ApplicationStatus.MORE_INFO.value
    application.paused_at = now
    application.updated_at = now
    event = _event(application, "info_requested", message, staff, now)
    _email_centre(
        application,
        event,
        "We need more information about your centre application",
        "centre_application_more_info",
    )
    return application


def centre_number_for(application: CentreApplication) -> str:
    """A centre number that cannot collide with another application's: it is built from the
    application's id, in a range above the numbers issued before the portal."""
    return f"C-{30000 + application.id}"


def approve_application(
    application: CentreApplication, staff: User, note: str = "", now: datetime | None = None
) -> CentreApplication:
    """Approve: issue the centre number and let the centre record completions for the
    qualifications it applied for (CHARTER §4, met when approved or declined)."""
    if not application.is_open:
        raise CentreError("Only an application with our team can be approved.")
    now = now or utcnow()
    _resume(application, now)
    organisation = application.organisation
    application.status = ApplicationStatus.APPROVED.value
    application.decided_at = now
    application.decided_by = staff
    application.decision_reasons = note.strip()
    application.updated_at = now
    organisation.is_approved = True
    if not organisation.reference:
        organisation.reference = centre_number_for(application)
    organisation.name = application.legal_name or organisation.name
    organisation.address = application.address or organisation.address
    organisation.phone = application.phone or organisation.phone
    grant_qualifications(organisation, [q.id for q in application.qualifications])
    event = _event(application, "approved", note.strip(), staff, now)
    _email_centre(application, event, "Your centre is approved", "centre_application_approved")
    return application


def decline_application(
    application: CentreApplication, staff: User, reasons: str, now: datetime | None = None
) -> CentreApplication:
    """Decline with reasons, which the centre sees and is emailed (CHARTER §4)."""
    if not application.is_open:
        raise CentreError("Only an application with our team can be declined.")
    reasons = reasons.strip()
    if not reasons:
        raise CentreError("Give the reasons for declining.")
    now = now or utcnow()
    _resume(application, now)
    application.status = ApplicationStatus.DECLINED.value
    application.decided_at = now
    application.decided_by = staff
    application.decision_reasons = reasons
    application.updated_at = now
    event = _event(application, "declined", reasons, staff, now)
    _email_centre(
        application,
        event,
        "The outcome of your centre application",
        "centre_application_declined",
    )
    return application


def grant_qualifications(organisation: Organisation, qualification_ids: list[int]) -> None:
    """Let an approved centre record completions for these qualifications."""
    have = set(
        db.session.scalars(
            select(centre_qualification.c.qualification_id).where(
                centre_qualification.c.organisation_id == organisation.id
            )
        )
    )
    new = [q for q in dict.fromkeys(qualification_ids) if q not in have]
    if new:
        db.session.execute(
            insert(centre_qualification),
            [{"organisation_id": organisation.id, "qualification_id": q} for q in new],
        )


def open_applications() -> list[CentreApplication]:
    """Applications with our team or waiting for the centre, what falls due first at the top
    (CHARTER §7)."""
    return list(
        db.session.scalars(
            select(CentreApplication)
            .where(
                CentreApplication.status.in_(
                    [ApplicationStatus.SUBMITTED.value, ApplicationStatus.MORE_INFO.value]
                )
            )
            .order_by(CentreApplication.due_at, CentreApplication.id)
        )
    )


def decided_applications(limit: int = 20) -> list[CentreApplication]:
    return list(
        db.session.scalars(
            select(CentreApplication)
            .where(
                CentreApplication.status.in_(
                    [ApplicationStatus.APPROVED.value, ApplicationStatus.DECLINED.value]
                )
            )
            .order_by(CentreApplication.decided_at.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class Progress:
    """Where a promise stands for a staff queue (CHARTER §7)."""

    state: str  # on_track, at_risk, overdue, paused
    label: str
    time_left: str


STATE_LABELS = {
    "on_track": "On track",
    "at_risk": "At risk",
    "overdue": "Overdue",
    "paused": "Waiting for the centre",
}


def progress(application: CentreApplication, now: datetime | None = None) -> Progress:
    """On track, at risk or overdue in office time; a paused clock is shown as it stood."""
    calendar = get_calendar()
    if application.paused_at is not None:
        left = charter.time_left(application.paused_at, application.due_at, calendar)
        return Progress("paused", STATE_LABELS["paused"], describe_office_time(left, calendar))
    now = now or utcnow()
    state = charter.status(now, application.due_at, calendar, office_settings().at_risk_hours)
    left = charter.time_left(now, application.due_at, calendar)
    return Progress(state, STATE_LABELS[state], describe_office_time(left, calendar))


def describe_office_time(seconds: int, calendar: charter.WorkingCalendar) -> str:
    """Office time left in words: "3 working days 2 hours left", "overdue by 5 hours"."""
    return office_time_left(seconds, calendar.close_s - calendar.open_s)


def live_status(application: CentreApplication) -> dict:
    """What the centre's status page shows, as data for its live updates (CHARTER §6)."""
    due = None
    if application.due_at is not None:
        due = charter.format_london(application.due_at, with_year=True)
    return {
        "reference": application.reference,
        "status": application.status,
        "status_label": application.status_label,
        "due": due,
        "is_paused": application.paused_at is not None,
        "events": len(application.events),
    }


# -- events and email -----------------------------------------------------------------------------


def _event(
    application: CentreApplication, kind: str, message: str, actor: User | None, now: datetime
) -> ApplicationEvent:
    event = ApplicationEvent(
        application=application, kind=kind, message=message, actor=actor, created_at=now
    )
    db.session.add(event)
    db.session.flush()
    return event


def centre_users(organisation: Organisation) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.organisation_id == organisation.id,
                User.role == Role.CENTRE.value,
                User.is_enabled,
            )
            .order_by(User.id)
        )
    )


def _email_centre(
    application: CentreApplication, event: ApplicationEvent, subject: str, template: str
) -> None:
    """Email every user of the centre, once each per event (the key makes it exactly once)."""
    link = external_url("centre.application")
    due = charter.format_london(application.due_at, with_year=True) if application.due_at else None
    for user in centre_users(application.organisation):
        queue_email(
            f"centre-application:{application.id}:{event.kind}:{event.id}:{user.id}",
            user.email,
            subject,
            template,
            user=user,
            application=application,
            event=event,
            due=due,
            link=link,
        )


# -- registering a new organisation -----------------------------------------------------------


def register_centre_applicant(
    organisation_name: str, full_name: str, email: str, password: str
) -> User:
    """Create a not-yet-approved centre and its first user, and email an address check.

    Like member registration, an address already registered creates nothing and gets an
    email instead, so the form never reveals who has an account.
    """
    email = normalise_email(email)
    existing = find_user_by_email(email)
    if existing is not None:
        queue_email(
            f"already-registered:{existing.id}:{secrets.token_hex(8)}",
            existing.email,
            "You already have an account",
            "already_registered",
            user=existing,
            reset_url=external_url("auth.forgot_password"),
            sign_in_url=external_url("auth.login"),
        )
        return existing
    organisation = Organisation(
        kind=OrgKind.CENTRE.value, name=organisation_name.strip(), is_approved=False
    )
    user = User(
        full_name=full_name.strip(),
        email=email,
        password_hash=hash_password(password),
        role=Role.CENTRE.value,
        organisation=organisation,
    )
    db.session.add_all([organisation, user])
    db.session.flush()
    send_verification(user)
    return user


# -- documents ---------------------------------------------------------------------------------

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_KINDS = {
    "pdf": ("application/pdf", "PDF"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document",
    ),
    "png": ("image/png", "PNG image"),
    "jpg": ("image/jpeg", "JPEG image"),
}


def detect_document_kind(content: bytes) -> str | None:
    """What a file really is, from its bytes (never its name or the browser's claim).

    Recognition is ``portal.security.uploads``'s, so documents, requests and email agree.
    """
    kind = uploads.content_kind(content)
    return "jpg" if kind == "jpeg" else kind


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "centres"
    path.mkdir(parents=True, exist_ok=True)
    return path


def add_document(
    application: CentreApplication, user: User, title: str, filename: str, stream
) -> CentreDocument:
    """Keep a supporting document: PDF, Word (.docx), PNG or JPEG, up to 10 MB, checked by
    content. Stored under a random name so nothing the uploader chose reaches the disk."""
    _require_editable(application)
    content = stream.read(MAX_DOCUMENT_BYTES + 1)
    # The one upload check every area uses: type by content, size, zip bombs, macros, and
    # a name that does not contradict the content.
    try:
        checked = uploads.check_upload(filename, content, max_bytes=MAX_DOCUMENT_BYTES)
    except uploads.UploadRejected as exc:
        if exc.code == "too_large":
            raise CentreError("The file must be 10 MB or smaller.") from None
        if exc.code == "empty":
            raise CentreError("The file you chose is empty.") from None
        raise CentreError(str(exc)) from None
    kind = "jpg" if checked.kind == "jpeg" else checked.kind
    stored_name = f"{secrets.token_hex(16)}.{kind}"
    (upload_dir() / stored_name).write_bytes(content)
    original = checked.name or f"document.{kind}"
    document = CentreDocument(
        organisation_id=application.organisation_id,
        application=application,
        title=title.strip(),
        original_name=original[:255],
        stored_name=stored_name,
        content_type=DOCUMENT_KINDS[kind][0],
        size_bytes=len(content),
        uploaded_by_id=user.id,
    )
    db.session.add(document)
    application.updated_at = utcnow()
    db.session.flush()
    return document


def remove_document(document: CentreDocument) -> Path:
    """Delete a document's row; returns the file to delete once the request has committed."""
    _require_editable(document.application)
    path = document_path(document)
    db.session.delete(document)
    db.session.flush()
    return path


def document_path(document: CentreDocument) -> Path:
    return upload_dir() / document.stored_name


def document_for_organisation(
    document_id: int, organisation_id: int | None
) -> CentreDocument | None:
    """A document of this organisation, or None: another centre's id looks like a missing one."""
    document = db.session.get(CentreDocument, document_id)
    if document is None or organisation_id is None or document.organisation_id != organisation_id:
        return None
    return document
