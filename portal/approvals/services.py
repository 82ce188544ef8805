"""Centre approval: the application's life from draft to decision, and the new centre that
applies (CHARTER.md section 4, ``centre-approval``).

The promise runs for 10 working days from a complete application. Its due date is stored
when the clock starts, with the policy version that produced it, and only moves when staff
wait for the centre (section 5). What each step needs is in :mod:`portal.approvals.steps`,
supporting documents in :mod:`portal.approvals.documents`, and where applications stand
against the promise in :mod:`portal.approvals.queue`. Services flush; the request commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select

from portal import charter
from portal.accounts.models import Organisation, OrgKind, Role, User
from portal.accounts.passwords import hash_password
from portal.accounts.sign_in import (
    find_user_by_email,
    normalise_email,
    send_verification,
    tell_already_registered,
)
from portal.approvals.models import (
    ApplicationEvent,
    ApplicationStatus,
    CentreApplication,
    Qualification,
    centre_qualification,
)
from portal.approvals.steps import STEP_FIELDS, STEP_TITLES, step_problems
from portal.database import unique_or, utcnow
from portal.extensions import db
from portal.notify.services import queue_email
from portal.settings.services import current_policy, get_calendar, promises_for
from portal.urls import external_url

PROMISE = "centre-approval"


class CentreError(Exception):
    """A refusal whose message can be shown to the person as it is."""


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


def require_editable(application: CentreApplication) -> None:
    """Refuse a change to an application that has been sent (the clock runs on what was sent)."""
    if not application.is_editable:
        raise CentreError("This application has been sent and can no longer be changed.")


def save_step(application: CentreApplication, step: str, values: dict) -> None:
    """Save one step's answers (complete or not: a draft may be saved half-done); the
    qualifications step chooses from the catalogue."""
    if step == "qualifications":
        set_qualifications(application, values.get("qualifications") or [])
        return
    require_editable(application)
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
    require_editable(application)
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
    """The centre's enabled users, who are all emailed about its application."""
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
        hash_password(password)  # the same work as a new account: timing tells nothing
        tell_already_registered(existing)
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
    try:
        with unique_or(db.session, CentreError("registered at the same moment")):
            db.session.add_all([organisation, user])
            db.session.flush()
    except CentreError:
        # Registered by another request at this very moment: answer as for any address
        # with an account (issue #14).
        existing = find_user_by_email(email)
        if existing is not None:
            tell_already_registered(existing)
        return existing
    send_verification(user)
    return user
