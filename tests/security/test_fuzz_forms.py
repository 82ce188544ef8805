"""Hypothesis sends hostile and malformed values to every form's fields: no 500, ever.

To cover a new form, add a ``FormCase`` to ``FORMS``: its URL, its field names, and who
must be signed in (a role, or None). A form about one object (a request, an application, a
certificate) names a ``setup`` that makes that object for the signed-in user and returns the
values its URL needs. Values are sent as raw form-encoded bytes, so invalid UTF-8 and lone
surrogates reach the app exactly as an attacker could send them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.extensions import db


@dataclass(frozen=True)
class FormCase:
    url: str
    fields: tuple[str, ...]
    role: str | None = None
    # Extra fixed fields (e.g. a checkbox) sent with every example.
    fixed: dict = field(default_factory=dict)
    # Makes the form's object for the signed-in user; returns the values for ``url``.
    setup: Callable | None = None


# -- objects the forms are about -------------------------------------------------------------


def _own_request(user) -> dict:
    from portal.requests import services

    made = services.submit_request("query", subject="Fuzz", body="Fuzz", requester=user)
    return {"ref": made.request.reference}


def _visitor_request(_user) -> dict:
    from portal.requests import services

    made = services.submit_request("query", subject="Fuzz", body="Fuzz", name="Vera Visitor",
                                   email="vera@example.test")
    return {"token": made.private_token}


def _customer_request(_user) -> dict:
    from portal.requests import services
    from tests.factories import make_user

    made = services.submit_request("membership-application", subject="Join", body="Please",
                                   requester=make_user("member"), details={"grade": "member"})
    return {"ref": made.request.reference}


def _draft_application(user) -> dict:
    from portal.approvals import services

    user.organisation.is_approved = False
    services.start_application(user.organisation, user)
    return {}


def _sent_application(_user) -> dict:
    from portal.approvals import services
    from tests.approvals.helpers import complete_application, make_centre_user

    contact = make_centre_user(approved=False)
    application = complete_application(contact)
    services.submit_application(application, contact)
    return {"id": application.id}


def _certificate(_user) -> dict:
    from tests.approvals.helpers import make_centre_user, make_completion, make_qualification

    qualification = make_qualification()
    return {"id": make_completion(make_centre_user(qualifications=[qualification]),
                                  qualification).id}


def _approved_centre(user) -> dict:
    from portal.approvals import services
    from tests.approvals.helpers import make_qualification

    services.grant_qualifications(user.organisation, [make_qualification().id])
    return {}


def _applicant(user) -> dict:
    user.membership.status = "applicant"
    return {}


def _erasure() -> dict:
    from portal.privacy import services
    from tests.factories import make_user

    return {"id": services.request_erasure(make_user("member")).id}


def _a_member(_user) -> dict:
    from tests.factories import make_user

    return {"id": make_user("member").id}


def _a_payment(_user) -> dict:
    from portal.payments.models import Payment
    from tests.factories import make_user

    member = make_user("member")
    payment = Payment(membership_id=member.membership.id, user_id=member.id, provider="demo",
                      grade="member", amount_pence=9500, submission_key="fuzz-payment",
                      status="paid", outcome="needs-review")
    db.session.add(payment)
    db.session.flush()
    return {"id": payment.id}


VERSIONED = ("version", "seen_event")


def _staff_action(name: str, *fields: str) -> FormCase:
    return FormCase(f"/staff/requests/{{ref}}/{name}",
                    tuple(f"{name}-{f}" for f in (*VERSIONED, *fields)), role="staff",
                    setup=_customer_request)


FORMS = [
    FormCase("/account/sign-in", ("email", "password", "remember", "next")),
    FormCase("/account/register", ("full_name", "email", "password", "confirm")),
    FormCase("/account/forgot-password", ("email",)),
    FormCase("/account/reset/not-a-real-token", ("password", "confirm")),
    FormCase("/account/verify/not-a-real-token", ()),
    FormCase("/account/password", ("current_password", "password", "confirm"), role="member"),
    FormCase("/account/confirm", ("password", "code", "next"), role="member"),
    FormCase("/account/two-step/set-up", ("code",), role="member"),
    FormCase("/account/my-data/erase", ("reason", "understood"), role="member"),
    FormCase("/account/my-data/", (), role="member"),
    FormCase("/account/sessions/end-all", (), role="member"),
    FormCase("/account/sessions/1/end", (), role="member"),
    FormCase("/staff/erasure-requests/{id}", ("confirm",), role="staff",
             setup=lambda _u: _erasure()),
    # The staff console's queue tools (issue 16).
    FormCase("/staff/queue/bulk", ("action", "assignee", "status", "selected"), role="staff"),
    FormCase("/staff/queue/next?team=x&q=y", (), role="staff"),
    FormCase("/staff/views", ("name", "address"), role="staff"),
    FormCase("/staff/team", ("team",), role="staff"),
    FormCase("/staff/requests/{ref}/merge", ("duplicates", "other"), role="staff",
             setup=_customer_request),
    FormCase("/admin/case-clock", ("chase_after_days", "close_after_days",
                                   "reopen_within_days", "escalate_hours"), role="admin"),
    # Requests (issue 4): members, visitors, organisations, and the request page's forms.
    *[FormCase(f"/member/requests/new/{slug}", fields, role="member")
      for slug, fields in (
          ("question", ("submission_key", "subject", "body")),
          ("complaint", ("submission_key", "subject", "body", "outcome")),
          ("callback", ("submission_key", "phone", "preferred_time", "body")),
          ("feedback", ("submission_key", "about", "subject", "body", "rating")),
          ("upgrade", ("submission_key", "grade", "body")),
      )],
    FormCase("/member/requests/new/application", ("submission_key", "grade", "body"),
             role="member", setup=_applicant),
    *[FormCase(f"/contact/{slug}", ("full_name", "email", "contact_phone", *fields))
      for slug, fields in (
          ("question", ("submission_key", "subject", "body")),
          ("complaint", ("submission_key", "subject", "body", "outcome")),
          ("callback", ("submission_key", "phone", "preferred_time", "body")),
          ("feedback", ("submission_key", "about", "subject", "body", "rating")),
      )],
    FormCase("/employer/requests/new", ("submission_key", "subject", "body"), role="employer"),
    FormCase("/member/requests/{ref}/reply", ("reply-body",), role="member", setup=_own_request),
    FormCase("/member/requests/{ref}/discuss-date", ("discuss-body",), role="member",
             setup=_own_request),
    FormCase("/member/requests/{ref}/rate", ("rating-rating", "rating-comment"), role="member",
             setup=_own_request),
    FormCase("/r/{token}/reply", ("reply-body",), setup=_visitor_request),
    FormCase("/r/{token}/rate", ("rating-rating", "rating-comment"), setup=_visitor_request),
    # Staff console (issue 5).
    _staff_action("reply", "body", "resolution_date", "resolves"),
    _staff_action("note", "body"),
    _staff_action("assign", "assignee"),
    _staff_action("status", "status"),
    _staff_action("propose", "resolution_date"),
    _staff_action("redate", "resolution_date", "reason"),
    _staff_action("wait", "body"),
    _staff_action("resolve", "body"),
    _staff_action("callback", "outcome", "note"),
    _staff_action("decision", "decision", "grade", "message"),
    FormCase("/staff/log", ("person", "full_name", "email", "phone", "kind", "channel",
                            "received_on", "received_time", "subject", "body"), role="staff"),
    FormCase("/staff/absence", ("starts_on", "ends_on", "note"), role="staff"),
    FormCase("/staff/replies", ("kind", "title", "body"), role="staff"),
    # Learning centres (issue 6): the application's steps, learners, and staff's side.
    FormCase("/centre/application/step/organisation",
             ("legal_name", "address", "postcode", "phone", "website", "registration_number",
              "save_draft"), role="centre", setup=_draft_application),
    FormCase("/centre/application/step/contacts",
             ("head_name", "head_email", "head_phone", "quality_name", "quality_email",
              "quality_phone"), role="centre", setup=_draft_application),
    FormCase("/centre/application/step/qualifications", ("qualifications",), role="centre",
             setup=_draft_application),
    FormCase("/centre/application/step/quality",
             ("qa_lead_name", "assessor_count", "internal_qa", "standardisation"),
             role="centre", setup=_draft_application),
    FormCase("/centre/application/submit", ("confirm",), role="centre",
             setup=_draft_application),
    FormCase("/centre/learners/new", ("learner_name", "learner_ref", "qualification",
                                      "completed_on", "assessment_signed_off"), role="centre",
             setup=_approved_centre),
    FormCase("/staff/centres/applications/{id}/request-info", ("message",), role="staff",
             setup=_sent_application),
    FormCase("/staff/centres/applications/{id}/decline", ("reasons",), role="staff",
             setup=_sent_application),
    FormCase("/staff/centres/certificates/{id}/reject", ("reason",), role="staff",
             setup=_certificate),
    FormCase("/staff/centres/certificates/{id}/dispatch",
             ("postage_class", "tracking_reference"), role="staff", setup=_certificate),
    FormCase("/staff/centres/certificates/bulk", ("action", "postage_class",
                                                  "tracking_reference", "ids"), role="staff"),
    # Administration.
    FormCase("/admin/news", ("topic", "subject", "body"), role="admin"),
    FormCase("/admin/calendar", ("day-day", "day-kind", "day-note", "hours-office_open",
                                 "hours-office_close", "hours-same_day_cutoff",
                                 "hours-at_risk_hours", "hours-update_every_days"),
             role="admin"),
    FormCase("/admin/users/new", ("full_name", "email", "role", "job_title", "phone"),
             role="admin"),
    FormCase("/admin/organisations/new", ("kind", "name", "reference", "address", "phone",
                                          "is_approved", "support_contact", "deputy_contact"),
             role="admin"),
    # Membership and payments (issue 19).
    FormCase("/member/renew", ("provider", "confirm", "submission_key"), role="member"),
    FormCase("/member/details", ("full_name", "postal_address", "phone"), role="member"),
    FormCase("/member/details/email", ("new_email", "password"), role="member"),
    FormCase("/member/membership/check-link", (), role="member"),
    FormCase("/staff/members/{id}/renewal-date", ("renewal_date", "reason"), role="staff",
             setup=_a_member),
    FormCase("/staff/payments/{id}/resolve", ("note",), role="staff", setup=_a_payment),
    FormCase("/admin/membership-settings",
             ("stripe", "gocardless", "demo", "grace_days", "member_fee", "member_criteria",
              "member_evidence", "fellow_fee"), role="admin"),
]

HOSTILE = [
    "",
    " ",
    "a" * 5000,
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR '1'='1' --",
    "'; DROP TABLE user_account; --",
    "%00",
    "\r\nSet-Cookie: x=1",
    "../../../../etc/passwd",
    "{{ 7*7 }}{% raw %}",
    "😀" * 100,
    "\u202e\u0000\ufeff",
    "ａｄｍｉｎ@ｅｘａｍｐｌｅ.ｔｅｓｔ",
    "x@" + "a" * 300 + ".test",
    "//evil.example/",
    "javascript:alert(1)",
    "1e309",
    "-1",
]


def _bytes_value():
    text = st.one_of(
        st.sampled_from(HOSTILE),
        st.text(max_size=300),
        st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=3000),
    ).map(lambda s: s.encode("utf-8", "surrogatepass"))
    raw = st.binary(max_size=400)  # invalid UTF-8, NUL bytes, anything
    surrogates = st.text(
        alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1
    ).map(lambda s: s.encode("utf-8", "surrogatepass"))
    return st.one_of(text, raw, surrogates)


# A plausible value per field name, mixed in so examples get past the first validator and
# reach the deeper code with the other fields hostile.
VALID = {
    "email": b"fuzz@example.test",
    "password": b"correct-horse-battery",
    "current_password": b"correct-horse-battery",
    "confirm": b"correct-horse-battery",
    "full_name": b"Ada Lovelace",
    "code": b"123456",
    "remember": b"y",
    "understood": b"y",
    "next": b"/member/",
    "reason": b"Moving abroad",
    "provider": b"demo",
    "grace_days": b"30",
    "member_fee": b"95.00",
    "renewal_date": b"2027-01-31",
}


def _field_value(name: str):
    hostile = _bytes_value()
    if name in VALID:
        return st.one_of(st.just(VALID[name]), hostile)
    return hostile


def _body(values: dict[str, bytes]) -> bytes:
    return b"&".join(
        quote_from_bytes(k.encode()).encode() + b"=" + quote_from_bytes(v).encode()
        for k, v in values.items()
    )


@pytest.fixture
def fuzz_app(app):
    # The flat rate limit and the growing delays would turn most examples into 429s
    # (never a 500, but they would stop the fields being exercised).
    app.config["RATELIMIT_ENABLED"] = False
    app.config["SIGN_IN_THROTTLE_ENABLED"] = False
    from portal.extensions import limiter

    limiter.enabled = False
    yield app
    limiter.enabled = True


@pytest.mark.parametrize("case", FORMS, ids=lambda c: c.url)
def test_no_form_answers_500_to_hostile_input(fuzz_app, case, signed_in_as):
    if case.role is None:
        client, user = fuzz_app.test_client(), None
    else:
        client, user = signed_in_as(case.role)
    url = case.url
    if case.setup is not None:
        url = url.format(**case.setup(user))
        db.session.commit()
    # The form is really reached (not refused, missing or the wrong method), so the
    # examples below exercise its fields and not only a 404.
    reached = client.post(url, data=b"", content_type="application/x-www-form-urlencoded")
    assert reached.status_code not in (403, 404, 405), (url, reached.status_code)
    db.session.rollback()

    @settings(
        max_examples=settings.default.max_examples // 8,  # 25 in the full profile
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )
    @given(
        st.fixed_dictionaries({name: _field_value(name) for name in case.fields}),
        st.dictionaries(st.sampled_from(["extra", "csrf_token", "id"]), _bytes_value(), max_size=2),
    )
    def run(values, junk):
        response = client.post(
            url,
            data=_body({**values, **junk}),
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code < 500, (url, values, response.status_code)
        db.session.rollback()

    run()


def test_unicode_digits_in_chosen_ids_are_ignored_not_a_500(signed_in_as):
    # Found by adding the staff certificate queue here: "²".isdigit() but int("²") fails,
    # and thirty nines overflow the database's integer.
    client, _staff = signed_in_as("staff")
    response = client.post("/staff/centres/certificates/bulk",
                           data={"ids": ["²", "١٢", "9" * 30, "1"], "action": "sign_off"})
    assert response.status_code < 500
