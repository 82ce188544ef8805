"""What a member's own pages show: their membership at a glance, their requests, and the
request forms open to them (CHARTER.md sections 3 and 4)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app, request
from sqlalchemy import select
from wtforms import SelectChoice

from portal.accounts.models import User
from portal.charter.wording import renewal_reminder_words
from portal.extensions import db
from portal.membership import applications, proof
from portal.payments import services as payments
from portal.requests import live
from portal.requests.forms import MEMBER_FORMS, RequestForm, grade_choices
from portal.requests.models import OPEN_STATUSES, Kind, ServiceRequest
from portal.settings.services import current_promises

#: The renewal reminder goes this many days before the date (CHARTER.md section 3).
RENEWAL_NOTICE_DAYS = 28


def membership_summary(user: User, today: date) -> dict:
    """The membership, its grade in words, the days left until renewal (negative once the
    date has passed) and whether it can be paid for now, for the dashboard's membership
    panel (read with the user: no statement of its own)."""
    membership = user.membership
    if membership is None:
        return {"membership": None, "grade_name": None, "days_to_renewal": None,
                "renewal_line": "", "grade_of": grade_name}
    renewal = membership.renewal_date
    return {
        "membership": membership,
        "grade_name": grade_name(membership.grade),
        "grade_of": grade_name,
        # Called by the page only for an applicant yet to apply: no query for anyone else.
        "application_promise": _application_promise,
        "days_to_renewal": (renewal - today).days if renewal is not None else None,
        "renewal_line": renewal_reminder_words(
            renewal, renewal - timedelta(days=RENEWAL_NOTICE_DAYS), today
        ) if renewal is not None else "",
        "can_pay": payments.can_pay(user),
    }


def membership_page(user: User) -> dict:
    """The member's payments, and the link that proves their membership (made the first
    time it is shown) for the certificate and card."""
    membership = user.membership
    provable = proof.is_current(membership) and membership.membership_number
    return {
        "membership": membership,
        "payments": payments.payments_of(user, limit=50),
        "check_url": proof.check_url(membership) if provable else None,
    }


def request_lists(user: User) -> dict:
    """The member's open requests, soonest due first, the last few closed ones, and the live
    tag their state URL compares them by, all from one query."""
    return live.requests_of(user.id)._asdict()


#: The kinds a member may have only one of in progress at a time (CHARTER.md section 4).
ONE_AT_A_TIME = (Kind.APPLICATION.value, Kind.UPGRADE.value)


def pending_membership_request(user: User) -> ServiceRequest | None:
    """The member's application or upgrade still being decided, if any: while one is, a
    second is refused with a link to it, so two decisions never race."""
    return db.session.scalar(
        select(ServiceRequest)
        .where(ServiceRequest.requester_id == user.id,
               ServiceRequest.kind.in_(ONE_AT_A_TIME),
               ServiceRequest.status.in_([s.value for s in OPEN_STATUSES]))
        .order_by(ServiceRequest.id.desc())
        .limit(1)
    )


def _application_promise() -> str:
    """The membership-application promise in the targets now (CHARTER.md section 4)."""
    return current_promises()["membership-application"].description


def grade_name(code: str | None) -> str:
    """A grade's name from its code (the settings' list of grades)."""
    return dict(current_app.config["MEMBER_GRADES"]).get(code, code or "")


def allowed_forms(user: User) -> dict[str, type[RequestForm]]:
    """Which request forms this member may use, by slug: only an applicant applies, and only
    an active member with a grade above their own to go to may ask to upgrade."""
    membership = user.membership
    status = membership.status if membership else None
    allowed = {}
    for slug, form_class in MEMBER_FORMS.items():
        if form_class.kind == Kind.APPLICATION and status != "applicant":
            continue
        if form_class.kind == Kind.UPGRADE and (
            status != "active"
            or not grade_choices(current_app.config["MEMBER_GRADES"], membership.grade)
        ):
            continue
        allowed[slug] = form_class
    return allowed


def new_request_form(form_class: type[RequestForm], user: User) -> RequestForm:
    """The form bound to this request: an upgrade offers only the grades above the member's
    own, an application every grade, each asking for exactly the evidence the chosen grade
    needs (``?grade=`` or the posted grade); a callback starts with the number we hold."""
    if form_class.kind in (Kind.APPLICATION, Kind.UPGRADE):
        above = user.membership.grade if form_class.kind == Kind.UPGRADE else None
        choices = grade_choices(current_app.config["MEMBER_GRADES"], above)
        code = request.form.get("grade") or request.args.get("grade")
        allowed = [choice.value for choice in choices]
        grade = applications.chosen_grade(code, allowed)
        form_class = applications.with_evidence(form_class, grade, allowed)
    form = form_class()
    if "grade" in form:
        form.grade.choices = [SelectChoice("", "Choose a grade"), *choices]
        if not form.is_submitted() and grade is not None:
            form.grade.data = grade.code
    if form.kind == Kind.CALLBACK and not form.is_submitted():
        form.phone.data = user.phone
    return form
