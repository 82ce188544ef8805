"""What a member's own pages show: their membership at a glance, their requests, and the
request forms open to them (CHARTER.md sections 3 and 4)."""

from __future__ import annotations

from datetime import date

from flask import current_app, request
from wtforms.fields.choices import SelectChoice

from portal.accounts.models import User
from portal.membership import applications, proof
from portal.payments import services as payments
from portal.requests import live
from portal.requests.forms import MEMBER_FORMS, RequestForm, grade_choices
from portal.requests.models import Kind


def membership_summary(user: User, today: date) -> dict:
    """The membership, its grade in words, the days left until renewal (negative once the
    date has passed) and whether it can be paid for now, for the dashboard's membership
    panel (read with the user: no statement of its own)."""
    membership = user.membership
    if membership is None:
        return {"membership": None, "grade_name": None, "days_to_renewal": None}
    grades = dict(current_app.config["MEMBER_GRADES"])
    renewal = membership.renewal_date
    return {
        "membership": membership,
        "grade_name": grades.get(membership.grade, membership.grade),
        "days_to_renewal": (renewal - today).days if renewal is not None else None,
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
