"""Claims: a centre asks for a registered learner's certificate, full or for some units
(issue 20). Each centre and qualification has a sign-off route (CHARTER.md section 9):

* ``external``: our quality assurer checks the claim, promised within the ``claim-check``
  target (default 5 working days); the certificate clock starts when we sign it off;
* ``direct``: the centre's own sign-off counts, so the certificate clock starts at the claim.

Both due dates are stored with their policy version when their clocks start (section 5).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import update

from portal import charter
from portal.accounts.models import Organisation, User
from portal.approvals.models import centre_qualification
from portal.approvals.services import CentreError
from portal.audit.services import record as audit
from portal.certificates.models import ClaimKind, Completion, Registration
from portal.certificates.services import (
    check_due,
    completed_on_problem,
    require_approved,
    routes_of,
    sign_off,
)
from portal.database import utcnow
from portal.extensions import db

ROUTES = {"external": "Our quality assurer signs off each claim",
          "direct": "Your centre's own sign-off counts (direct claim status)"}
UNITS_MAX = 500


def set_sign_off_route(organisation: Organisation, qualification_id: int, route: str,
                       staff: User) -> None:
    """Staff decide who signs off a centre's claims for one qualification (audited).
    Claims already made keep the route they were made under."""
    if route not in ROUTES:
        raise CentreError("Choose a sign-off route.")
    if qualification_id not in routes_of(organisation.id):
        raise CentreError("The centre is not approved for that qualification.")
    db.session.execute(
        update(centre_qualification)
        .where(centre_qualification.c.organisation_id == organisation.id,
               centre_qualification.c.qualification_id == qualification_id)
        .values(sign_off_route=route)
    )
    audit("centre.sign_off_route_changed", organisation, actor=staff,
          summary=f"{organisation.name}: qualification {qualification_id} {route}",
          details={"qualification": qualification_id, "route": route})


def claim(registration: Registration, user: User, *, claim_kind: str, units: str,
          completed_on: date, assessment_signed_off: bool,
          now: datetime | None = None) -> Completion:
    """Claim a registered learner's certificate (full, or a unit certificate naming its
    units) once assessment is fully signed off. Starts the check's clock, or on the direct
    route the certificate's (see the module's docstring)."""
    organisation = registration.organisation
    require_approved(organisation)
    now = now or utcnow()
    units = " ".join((units or "").split())
    if claim_kind not in (ClaimKind.FULL.value, ClaimKind.UNIT.value):
        raise CentreError("Choose a full certificate or a unit certificate.")
    if claim_kind == ClaimKind.UNIT.value and not units:
        raise CentreError("Name the units the learner has achieved.")
    if len(units) > UNITS_MAX:
        raise CentreError(f"List the units in {UNITS_MAX} characters or fewer.")
    if not assessment_signed_off:
        raise CentreError("Confirm that assessment is fully signed off before claiming.")
    problem = completed_on_problem(completed_on)
    if problem:
        raise CentreError(problem)
    if completed_on < registration.started_on:
        raise CentreError("The completion date cannot be before the learner started.")
    if any(c.claim_kind == ClaimKind.FULL.value and c.status != "rejected"
           for c in registration.claims):
        raise CentreError("This learner's full certificate has already been claimed.")
    if any(c.completed_on == completed_on for c in registration.claims):
        raise CentreError("There is already a claim for this learner with that date.")
    route = routes_of(organisation.id).get(registration.qualification_id)
    if route is None:
        raise CentreError("Your centre is no longer approved for this qualification.")
    due, version = check_due(now)
    completion = Completion(
        organisation_id=organisation.id,
        qualification_id=registration.qualification_id,
        registration_id=registration.id,
        learner_name=registration.learner_name,
        learner_ref=registration.learner_ref,
        completed_on=completed_on,
        assessment_signed_off=True,
        claim_kind=claim_kind,
        units=units if claim_kind == ClaimKind.UNIT.value else "",
        recorded_by_id=user.id,
        recorded_at=now,
        source="claim",
        check_due_at=None if route == "direct" else due,
        check_policy_version_id=None if route == "direct" else version,
    )
    db.session.add(completion)
    db.session.flush()
    db.session.expire(registration, ["claims"])
    if route == "direct":
        sign_off([completion], user, now)
    return completion


def check_wording(completion: Completion, now: datetime) -> str:
    """Our check in the centre's words: due, missed (with an apology), or done."""
    if completion.status == "rejected":
        return "We could not accept this claim."
    if completion.signed_off_at is not None:
        who = "your centre" if completion.check_due_at is None else "us"
        signed = charter.format_london_date(completion.signed_off_at, True)
        return f"Signed off by {who} on {signed}."
    if completion.check_due_at is None:
        return "Waiting for our check."
    due = charter.format_london(completion.check_due_at, True)
    if completion.check_due_at < now:
        return (f"Our check was due by {due} and we have missed it. We are sorry: it is "
                "with our quality assurer now and we will sign it off or tell you why not.")
    return f"Our check: due by {due}."


def post_wording(completion: Completion, now: datetime) -> str:
    """The certificate's posting promise in the centre's words (CHARTER §4, §9)."""
    if completion.dispatched_at is not None:
        return f"Posted on {charter.format_london_date(completion.dispatched_at, True)}."
    if completion.dispatch_due_at is None:
        return "The certificate promise starts when the claim is signed off."
    due = charter.format_london(completion.dispatch_due_at, True)
    if completion.is_overdue(now):
        return (f"We promised to post the certificate by {due} and missed it. We are sorry: "
                "it is with our team and we will post it as soon as we can.")
    return f"Certificate posted by {due}."


def live_state(completion: Completion | None, now: datetime) -> dict[str, str]:
    """What the learner page keeps current without a reload (CHARTER §6)."""
    if completion is None:
        return {"status": "", "status_label": "Not claimed yet", "check": "", "post": ""}
    return {
        "status": completion.status,
        "status_label": completion.status_label,
        "check": check_wording(completion, now),
        "post": post_wording(completion, now),
    }
