"""Learner completions and certificates: recording, sign-off, printing and posting.

A certificate is promised within 15 working days of sign-off, plus postage (CHARTER.md
section 4, ``certificate``). The due date is stored at sign-off with its policy version and
the expected arrival window is stored at dispatch, so neither moves by itself (section 5).
A file of completions is read by :mod:`portal.certificates.csv_import`; the centre's tracker
and its download are :mod:`portal.certificates.tracker`.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from portal import charter
from portal.accounts.models import Organisation, OrgKind, User
from portal.approvals.models import Qualification, centre_qualification
from portal.approvals.services import CentreError
from portal.certificates import ecert
from portal.certificates.models import AWAITING_DISPATCH, CertificateStatus, Completion
from portal.clock import london_today
from portal.database import unique_or, utcnow
from portal.extensions import db
from portal.settings.services import current_policy, get_calendar, promises_for

PROMISE = "certificate"
NAME_MAX = 120
REF_MAX = 254
_IDENTIFIER = re.compile(r"^[A-Z0-9][A-Z0-9 ._/-]{0,49}$")


# -- checking one learner ---------------------------------------------------------------------


def normalise_learner_ref(value: str) -> str:
    """Emails in lower case, identifiers in upper case, so the natural key compares sensibly."""
    value = " ".join((value or "").split())
    return value.lower() if "@" in value else value.upper()


def learner_ref_problem(ref: str) -> str | None:
    """Why an email or identifier cannot be used, or None."""
    if not ref:
        return "Enter the learner's email address or identifier."
    if len(ref) > REF_MAX:
        return f"The email address or identifier must be {REF_MAX} characters or fewer."
    if "@" in ref:
        try:
            validate_email(ref, check_deliverability=False, test_environment=True)
        except EmailNotValidError:
            return "The learner's email address is not in the right format."
        return None
    if not _IDENTIFIER.match(ref):
        return "Use up to 50 letters, numbers, spaces, dots, slashes or dashes in the identifier."
    return None


def learner_name_problem(name: str) -> str | None:
    """Why a learner's name cannot be used, or None."""
    if not name:
        return "Enter the learner's name."
    if len(name) > NAME_MAX:
        return f"The learner's name must be {NAME_MAX} characters or fewer."
    return None


def completed_on_problem(completed_on: date, today: date | None = None) -> str | None:
    """Why a completion date cannot be right (in the future, or before 2000), or None."""
    if completed_on > (today or london_today()):
        return "The completion date cannot be in the future."
    if completed_on.year < 2000:
        return "The completion date must be in 2000 or later."
    return None


def approved_qualifications(organisation: Organisation) -> list[Qualification]:
    """The qualifications this centre may record completions for, in code order."""
    return list(
        db.session.scalars(
            select(Qualification)
            .join(
                centre_qualification,
                centre_qualification.c.qualification_id == Qualification.id,
            )
            .where(centre_qualification.c.organisation_id == organisation.id)
            .order_by(Qualification.code)
        )
    )


def require_approved(organisation: Organisation) -> None:
    """Only an approved centre records completions (CHARTER §4)."""
    if not organisation.is_approved:
        raise CentreError("Only approved centres can record completions.")


CHECK_PROMISE = "claim-check"


def check_due(now: datetime) -> tuple[datetime, int]:
    """When our check of a claim made ``now`` is due (CHARTER §9, ``claim-check``), and the
    policy version that says so."""
    policy = current_policy()
    promise = promises_for(policy)[CHECK_PROMISE]
    return charter.due_at(promise, now, get_calendar()), policy.id


def routes_of(organisation_id: int) -> dict[int, str]:
    """Each of the centre's qualifications (by id) and its sign-off route: ``external`` (our
    quality assurer checks each claim) or ``direct`` (the centre's own sign-off counts)."""
    rows = db.session.execute(
        select(centre_qualification.c.qualification_id, centre_qualification.c.sign_off_route)
        .where(centre_qualification.c.organisation_id == organisation_id)
    )
    return dict(rows.all())


def record_completion(
    organisation: Organisation,
    user: User,
    *,
    learner_name: str,
    learner_ref: str,
    qualification_id: int,
    completed_on: date,
    assessment_signed_off: bool,
) -> Completion:
    """Record one learner's completion (CHARTER §4: only once assessment is fully signed off)."""
    require_approved(organisation)
    name = " ".join((learner_name or "").split())
    ref = normalise_learner_ref(learner_ref)
    problem = (
        learner_name_problem(name)
        or learner_ref_problem(ref)
        or completed_on_problem(completed_on)
        or (
            None
            if assessment_signed_off
            else "Confirm that assessment is fully signed off before recording a completion."
        )
    )
    if problem:
        raise CentreError(problem)
    if qualification_id not in {q.id for q in approved_qualifications(organisation)}:
        raise CentreError("Your centre is not approved for that qualification.")
    duplicate = db.session.scalar(
        select(Completion.id).where(
            Completion.organisation_id == organisation.id,
            Completion.learner_ref == ref,
            Completion.qualification_id == qualification_id,
            Completion.completed_on == completed_on,
        )
    )
    already = CentreError(
        "You have already recorded this learner for this qualification on that date."
    )
    if duplicate is not None:
        raise already
    now = utcnow()
    direct = routes_of(organisation.id).get(qualification_id) == "direct"
    check_due_at, check_version = (None, None) if direct else check_due(now)
    completion = Completion(
        organisation_id=organisation.id,
        qualification_id=qualification_id,
        learner_name=name,
        learner_ref=ref,
        completed_on=completed_on,
        assessment_signed_off=True,
        recorded_by_id=user.id,
        recorded_at=now,
        source="form",
        check_due_at=check_due_at,
        check_policy_version_id=check_version,
    )
    with unique_or(db.session, already):  # the same learner sent twice at once (issue #14)
        db.session.add(completion)
        db.session.flush()
    if direct:
        # Direct claim status: the centre's own sign-off counts (issue 20).
        sign_off([completion], user, now)
    return completion


def completion_for_organisation(
    completion_id: int, organisation_id: int | None
) -> Completion | None:
    """A completion of this organisation, or None (another centre's id looks missing)."""
    completion = db.session.get(Completion, completion_id)
    if completion is None or organisation_id is None:
        return None
    return completion if completion.organisation_id == organisation_id else None



# -- staff: sign-off and the certificate's journey -------------------------------------------------


#: Certificates that have been posted (or came back) can be reprinted.
REPRINTABLE = (CertificateStatus.DISPATCHED.value, CertificateStatus.RETURNED.value)


def reprintable_completion(organisation: Organisation | None,
                           completion_id: int) -> Completion | None:
    """The approved centre's own posted (or returned) certificate, which it may ask us to
    reprint; None for anything else, so the page answers 404."""
    if organisation is None or not organisation.is_approved:
        return None
    completion = completion_for_organisation(completion_id, organisation.id)
    if completion is None or completion.status not in REPRINTABLE:
        return None
    return completion


def sign_off(completions: list[Completion], staff: User, now: datetime | None = None) -> int:
    """Verify and sign off completions: each starts its ``certificate`` clock (CHARTER §4).

    Only recorded completions are signed off; others are left alone. Returns how many.
    """
    now = now or utcnow()
    calendar = get_calendar()
    policy = current_policy()
    promise = promises_for(policy)[PROMISE]
    due = charter.due_at(promise, now, calendar)
    count = 0
    for completion in completions:
        if completion.status != CertificateStatus.RECORDED:
            continue
        completion.status = CertificateStatus.SIGNED_OFF.value
        completion.signed_off_at = now
        completion.signed_off_by_id = staff.id
        completion.dispatch_due_at = due
        completion.policy_version_id = policy.id
        completion.certificate_number = f"CERT-{completion.id:07d}"
        ecert.issue_code(completion, now)
        count += 1
    db.session.flush()
    return count


def reject_completion(completion: Completion, staff: User, reason: str) -> None:
    """Refuse a completion we cannot certify, with the reason the centre will read."""
    if completion.status != CertificateStatus.RECORDED:
        raise CentreError("Only a completion waiting for our check can be turned down.")
    reason = reason.strip()
    if not reason:
        raise CentreError("Say why the completion cannot be accepted.")
    completion.status = CertificateStatus.REJECTED.value
    completion.rejected_reason = reason
    db.session.flush()


def mark_printed(completions: list[Completion], now: datetime | None = None) -> int:
    """Record that certificates were printed; only signed-off ones move. Returns how many."""
    now = now or utcnow()
    count = 0
    for completion in completions:
        if completion.status == CertificateStatus.SIGNED_OFF:
            completion.status = CertificateStatus.PRINTED.value
            completion.printed_at = now
            count += 1
    db.session.flush()
    return count


def mark_dispatched(
    completions: list[Completion],
    postage_class: str,
    tracking_reference: str = "",
    now: datetime | None = None,
) -> int:
    """Record posting: the promise is met at this moment, and the expected arrival window is
    worked out from the postage class and kept (CHARTER §4). Printed certificates, and ones
    sent again after a return, move; returns how many."""
    if postage_class not in charter.DEFAULT_POSTAGE:
        raise CentreError("Choose a postage class.")
    now = now or utcnow()
    window = charter.arrival_window(now, postage_class, get_calendar())
    count = 0
    for completion in completions:
        if completion.status not in (CertificateStatus.PRINTED, CertificateStatus.RETURNED):
            continue
        completion.status = CertificateStatus.DISPATCHED.value
        completion.dispatched_at = now
        completion.postage_class = postage_class
        completion.tracking_reference = tracking_reference.strip()
        completion.arrival_from, completion.arrival_to = window
        completion.returned_at = None
        count += 1
    db.session.flush()
    return count


def mark_returned(completion: Completion, note: str = "", now: datetime | None = None) -> None:
    """The post office sent the certificate back: the centre sees it, and staff can post it
    again once the address is sorted out."""
    if completion.status != CertificateStatus.DISPATCHED:
        raise CentreError("Only a posted certificate can come back undelivered.")
    completion.status = CertificateStatus.RETURNED.value
    completion.returned_at = now or utcnow()
    completion.return_note = note.strip()
    db.session.flush()


def move_on(
    completions: list[Completion],
    step: str,
    staff: User,
    *,
    postage_class: str = "",
    tracking_reference: str = "",
    reason: str = "",
    note: str = "",
) -> int:
    """Move certificates one step along their journey (CHARTER §4): ``sign_off`` starts the
    ``certificate`` clock, ``printed``, ``dispatched`` (which meets it), or ``rejected`` and
    ``returned`` with the words the centre reads. Those not at the right stage for a
    sign-off, printing or posting are left alone; returns how many moved."""
    if step == "sign_off":
        return sign_off(completions, staff)
    if step == "printed":
        return mark_printed(completions)
    if step == "dispatched":
        return mark_dispatched(completions, postage_class, tracking_reference)
    if step == "rejected":
        for completion in completions:
            reject_completion(completion, staff, reason)
        return len(completions)
    if step == "returned":
        for completion in completions:
            mark_returned(completion, note)
        return len(completions)
    raise CentreError("Choose what to do with the certificates.")


def arrival_text(completion: Completion) -> str:
    """ "between Monday 4 January and Wednesday 6 January" for a posted certificate."""
    if completion.arrival_from is None or completion.arrival_to is None:
        return ""
    return charter.arrival_wording((completion.arrival_from, completion.arrival_to))


STAFF_PAGE_SIZE = 100


def approved_centres() -> list[Organisation]:
    """The centres the staff queue can be narrowed to, by name."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrgKind.CENTRE, Organisation.is_approved)
            .order_by(Organisation.name)
        )
    )


def staff_queue(
    status: str,
    organisation_id: int | None = None,
    after: int | None = None,
    limit: int = STAFF_PAGE_SIZE,
) -> tuple[list[Completion], int | None, int]:
    """Completions in one state across centres, oldest first, by keyset on id."""
    query = select(Completion).where(Completion.status == status)
    if organisation_id is not None:
        query = query.where(Completion.organisation_id == organisation_id)
    total = db.session.scalar(query.with_only_columns(func.count()).order_by(None))
    if after is not None:
        query = query.where(Completion.id > after)
    rows = list(db.session.scalars(query.order_by(Completion.id).limit(limit + 1)))
    next_after = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], next_after, total


def completions_by_ids(ids: list[int]) -> list[Completion]:
    """The completions staff ticked; ids that match none are simply absent."""
    if not ids:
        return []
    return list(db.session.scalars(select(Completion).where(Completion.id.in_(ids))))


def dashboard_counts(organisation_id: int, now: datetime | None = None) -> dict[str, int]:
    """The centre dashboard's figures: completions waiting for our check, certificates on
    their way to posting, posted, and overdue against the ``certificate`` promise (CHARTER §4)."""
    by_status = dict(
        db.session.execute(
            select(Completion.status, func.count(Completion.id))
            .where(Completion.organisation_id == organisation_id)
            .group_by(Completion.status)
        ).all()
    )
    overdue = db.session.scalar(
        select(func.count(Completion.id)).where(
            Completion.organisation_id == organisation_id,
            Completion.status.in_(AWAITING_DISPATCH),
            Completion.dispatch_due_at < (now or utcnow()),
        )
    )
    return {
        "waiting": by_status.get(CertificateStatus.RECORDED.value, 0),
        "in_progress": sum(by_status.get(s, 0) for s in AWAITING_DISPATCH),
        "posted": by_status.get(CertificateStatus.DISPATCHED.value, 0),
        "overdue": overdue or 0,
    }
