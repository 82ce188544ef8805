"""ASVS V8.2.1, V8.2.2, V8.4.1: who may open every object route, as every kind of actor.

One world holds an object of each kind (a member's request and membership application, an
employer's and a centre's request, a visitor's request with its private link, attachments,
one on an internal staff note, a centre's application, document and certificate, an
organisation, an account, an email). Each actor then opens every route in :data:`MATRIX`,
and the answer must be the expected one:

* allowed: 200 for a page or file; for a form post 200 (form errors), 302 (done) or 409
  (refused by the request's state, which only an allowed actor can reach);
* someone else's object in your own area: 404, exactly like an id that does not exist;
* another role's area: 403;
* not signed in: sent to sign in.

``test_every_object_route_is_in_the_matrix`` fails when a route with an object in its
address is added without being added here (or to :data:`NOT_OBJECT_ROUTES`, with a reason).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask import url_for
from sqlalchemy import select

from portal.approvals import services as centre_services
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.requests import files, services
from portal.requests.models import Attachment, EventKind
from portal.settings.services import current_policy
from tests.approvals.helpers import (
    complete_application,
    make_centre_user,
    make_completion,
    make_qualification,
)
from tests.factories import make_organisation, make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

ACTORS = [
    "owner member",
    "another member",
    "employer contact",
    "another employer's contact",
    "centre contact",
    "another centre's contact",
    "visitor with the private link",
    "visitor without the private link",
    "staff",
    "admin",
]
ROLE = {
    "owner member": "member",
    "another member": "member",
    "employer contact": "employer",
    "another employer's contact": "employer",
    "centre contact": "centre",
    "another centre's contact": "centre",
    "staff": "staff",
    "admin": "admin",
}
AREA = {"member": {"member"}, "employer": {"employer"}, "centre": {"centre"},
        "staff": {"staff", "admin"}, "admin": {"admin"}}


@dataclass(frozen=True)
class Route:
    """A route, the object it is called with, and who owns that object."""

    target: str  # key of the world's objects used to fill the address
    owner: str | None = None  # the actor owning it; None: anyone the area admits
    method: str = "GET"
    data: dict | None = None


def _request_routes(side: str, target: str, owner: str) -> dict[str, Route]:
    return {
        f"{side}.request_detail": Route(target, owner),
        f"{side}.request_live": Route(target, owner),
        f"{side}.request_confirmation": Route(target, owner),
        f"{side}.request_file": Route(target, owner),
        f"{side}.request_reply": Route(target, owner, "POST", {"reply-body": "Thank you."}),
        f"{side}.request_accept": Route(target, owner, "POST", {}),
        f"{side}.request_discuss": Route(target, owner, "POST", {"discuss-body": "Later?"}),
        f"{side}.request_rate": Route(target, owner, "POST", {"rating-rating": "5"}),
    }


MATRIX: dict[str, Route] = {
    **_request_routes("member", "member request", "owner member"),
    **_request_routes("employer", "employer request", "employer contact"),
    **_request_routes("centre", "centre request", "centre contact"),
    "visitor.private_detail": Route("visitor request", "visitor with the private link"),
    "visitor.private_live": Route("visitor request", "visitor with the private link"),
    "visitor.private_file": Route("visitor request", "visitor with the private link"),
    "visitor.private_reply": Route("visitor request", "visitor with the private link", "POST",
                                    {"reply-body": "Thank you."}),
    "visitor.private_accept": Route("visitor request", "visitor with the private link", "POST",
                                     {}),
    "visitor.private_discuss": Route("visitor request", "visitor with the private link",
                                      "POST", {}),
    "visitor.private_rate": Route("visitor request", "visitor with the private link", "POST",
                                   {"rating-rating": "4"}),
    "staff.request_detail": Route("member request"),
    "staff.request_file": Route("member request"),
    "staff.request_action": Route("member request", None, "POST", {"note-body": "Checked."}),
    "staff.assign_me": Route("member request", None, "POST", {}),
    "staff.merge_choose": Route("member request"),
    "staff.membership_decision": Route("membership application"),
    "staff.centre_application": Route("centre application"),
    "staff.centre_application_request_info": Route("centre application", None, "POST", {}),
    "staff.centre_application_approve": Route("centre application", None, "POST", {}),
    "staff.centre_application_decline": Route("centre application", None, "POST", {}),
    "staff.centre_document": Route("centre document"),
    "staff.centre_certificate": Route("certificate"),
    "staff.centre_certificate_action": Route("certificate", None, "POST", {}),
    "centre.application_document": Route("centre document", "centre contact"),
    "centre.application_document_remove": Route("centre document", "centre contact", "POST",
                                                {}),
    "centre.learner": Route("certificate", "centre contact"),
    "centre.learner_reprint": Route("certificate", "centre contact"),
    # Issue 20: registered learners, claims, uploads, e-certificates, colleagues, quality.
    "centre.registered_learner": Route("registration", "centre contact"),
    "centre.registered_learner_state": Route("registration", "centre contact"),
    "centre.registered_learner_claim": Route("registration", "centre contact", "POST", {}),
    "centre.upload_rejects": Route("upload report", "centre contact"),
    "centre.learner_certificate": Route("certificate", "centre contact"),
    "centre.quality_action_done": Route("quality action", "centre contact", "POST", {}),
    "centre.colleague_role": Route("centre colleague", "centre contact", "POST", {}),
    "centre.colleague_remove": Route("centre colleague", "centre contact", "POST", {}),
    "employer.colleague_role": Route("employer colleague", "employer contact", "POST", {}),
    "employer.colleague_remove": Route("employer colleague", "employer contact", "POST", {}),
    "staff.centre_certificate_reissue": Route("certificate", None, "POST", {}),
    "staff.centre_sign_off_routes": Route("approved centre"),
    "staff.quality_visit": Route("quality visit"),
    "staff.quality_action_review": Route("quality action", None, "POST", {}),
    # Organisation pages and exports: scoped to the signed-in contact's own organisation.
    "employer.requests_list": Route("none"),
    "centre.requests_list": Route("none"),
    "centre.learners_export": Route("none"),
    "staff.performance_csv": Route("none"),
    # The administrators' pages about one organisation, account or email.
    "admin.organisation_edit": Route("employer"),
    "admin.user_edit": Route("owner account"),
    "admin.mail_message": Route("email"),
    # Paying for membership: a member's own payment; staff see every payment and member.
    "member.payment_status": Route("payment", "owner member"),
    "staff.payment_resolve": Route("payment", None, "POST", {"note": "Refunded."}),
    "staff.member_renewal_date": Route("owner account"),
}

#: Routes with a value in their address that is not an object someone owns, and why.
NOT_OBJECT_ROUTES = {
    "auth.reset_password": "the token is the credential; tests/auth/test_auth.py",
    "auth.verify_email": "the token is the credential; tests/auth/test_auth.py",
    "auth.end_session": "test_v7_5_2_a_user_can_end_one_other_session_but_not_someone_elses",
    "visitor.unsubscribe": "the token is the credential; tests/notify",
    "visitor.contact_form": "a form's name, public",
    "visitor.live_state": "an opaque version number, no data (portal/requests/live.py)",
    "member.new_request_form": "a form's name",
    "centre.application_step": "a step's name; the application is the contact's own",
    "admin.calendar_remove": "admin-only settings, no customer data",
    "admin.mail_attachment": "admin-only, as admin.mail_message",
    "admin.retry_mail": "admin-only, as admin.mail_message",
    "admin.user_enabled": "admin-only, as admin.user_edit",
    "staff.absence_end": "staff's own rota, no customer data",
    "staff.carry_out_erasure": "tests/privacy/test_personal_data.py",
    "staff.reply_edit": "staff's reusable replies, no customer data",
    "staff.reply_delete": "staff's reusable replies, no customer data",
    "staff.published_note_remove": "a public note on published figures, no customer data",
    "admin.notice": "admin-only service notices, public anyway",
    "visitor.notice": "a public service notice",
    "visitor.performance": "a published month, public: tests/performance",
    "visitor.performance_csv": "a published month, public: tests/performance",
    "visitor.performance_json": "a published month, public: tests/performance",
    "member.details_email_confirm": "the token is the credential, for its own account only; "
    "tests/membership/test_details.py",
    "payments.demo_checkout": "the demo provider's session, checked against its owner; "
    "tests/payments/test_demo.py",
    "visitor.verify_membership": "the token is the credential and shows only current or not; "
    "tests/membership/test_proof.py",
    "visitor.verify_certificate_code": "public by design: the code printed on a certificate "
                                       "is what anyone checks; tests/certificates",
    "staff.delete_view": "a person's own saved queue address; another's is a 404 "
                         "(tests/staff/test_worklist.py)",
    "help.article": "a published help article's public address; drafts 404 (tests/help)",
    "staff.help_article_edit": "help articles, no customer data; staff role guard (tests/help)",
    "staff.help_article_archive": "help articles, no customer data; staff role guard",
    "staff.help_article_history": "help articles, no customer data; staff role guard",
}


@pytest.fixture
def world(app):
    """An object of every kind, each with a known owner; returns (users, objects, token)."""
    users = {
        "owner member": make_user("member", full_name="Olive Owner"),
        "another member": make_user("member"),
        "staff": make_user("staff"),
        "admin": make_user("admin"),
    }
    employer, other_employer = make_organisation("employer"), make_organisation("employer")
    users["employer contact"] = make_user("employer", organisation=employer)
    users["another employer's contact"] = make_user("employer", organisation=other_employer)
    users["centre contact"] = make_centre_user(approved=False)
    users["another centre's contact"] = make_centre_user(approved=True)

    qualification = make_qualification()
    application = complete_application(users["centre contact"], qualification)
    centre_services.submit_application(application, users["centre contact"])
    centre = users["centre contact"].organisation
    centre.is_approved, centre.reference = True, "C-77777"
    # Posted, so its reprint page exists too.
    completion = make_completion(users["centre contact"], qualification,
                                 learner_name="Lena Learner", status="dispatched",
                                 certificate_number="CERT-0077777",
                                 signed_off_at=datetime(2026, 10, 5, 10, tzinfo=UTC),
                                 dispatch_due_at=datetime(2026, 10, 26, 17, tzinfo=UTC),
                                 policy_version_id=current_policy().id,
                                 dispatched_at=datetime(2026, 10, 20, 10, tzinfo=UTC),
                                 postage_class="uk-second")
    make_completion(users["another centre's contact"], qualification,
                    learner_name="Otto Outsider")

    def letter():
        return [files.check_upload("letter.pdf", PDF)]

    member_request = services.submit_request(
        "query", subject="Owner's query", body="Mine.", requester=users["owner member"],
        uploads=letter()).request
    membership = services.submit_request(
        "membership-application", subject="Join", body="Please.", requester=users["owner member"],
        details={"grade": "member"}).request
    employer_request = services.submit_request(
        "employer-support", subject="Employer query", body="Ours.",
        requester=users["employer contact"], organisation=employer, uploads=letter()).request
    centre_request = services.submit_request(
        "centre-support", subject="Centre query", body="Ours.", requester=users["centre contact"],
        organisation=centre, uploads=letter()).request
    visitor = services.submit_request(
        "query", subject="Visitor query", body="Hello.", name="Vera Visitor",
        email="vera@example.test", uploads=letter())

    # A file on an internal staff note: staff only, even for the request's owner (V8.1.2).
    note = services.add_internal_note(member_request, users["staff"], "Checked the ledger.")
    db.session.flush()
    internal = Attachment(request=member_request, event=note, original_name="ledger.pdf",
                          stored_name=files.write_file(db.session, files.check_upload(
                              "ledger.pdf", PDF)),
                          content_type="application/pdf", size=len(PDF), sha256="0" * 64)
    db.session.add(internal)
    issue20 = _issue20_objects(users, centre, employer, qualification)
    db.session.commit()

    objects = {
        "member request": member_request,
        "membership application": membership,
        "employer request": employer_request,
        "centre request": centre_request,
        "visitor request": visitor.request,
        "internal attachment": internal,
        "centre application": application,
        "centre document": application.documents[0],
        "certificate": completion,
        "employer": employer,
        "owner account": users["owner member"],
        "email": db.session.scalars(select(OutboxMessage)).first(),
        "payment": _payment(users["owner member"]),
        "none": None,
        **issue20,
    }
    return users, objects, visitor.private_token


def _payment(member):
    from portal.payments.models import Payment

    payment = Payment(membership_id=member.membership.id, user_id=member.id, provider="demo",
                      grade="member", amount_pence=9500, submission_key="matrix-payment",
                      status="paid", outcome="needs-review")
    db.session.add(payment)
    db.session.commit()
    return payment


def _issue20_objects(users, centre, employer, qualification) -> dict:
    """A registration, an upload report, a quality visit with an action and a colleague at
    each organisation, all belonging to the centre contact's (or employer contact's) side."""
    from datetime import date

    from portal.certificates.models import Registration, UploadReport
    from portal.quality.models import QualityAction, QualityVisit

    registration = Registration(organisation_id=centre.id, qualification_id=qualification.id,
                                learner_name="Rhea Registered", learner_ref="RR-1",
                                started_on=date(2026, 9, 1))
    report = UploadReport(organisation_id=centre.id, kind="registrations",
                          rejects_csv="learner_name,reason\nX,Bad\n", rejected=1)
    visit = QualityVisit(organisation_id=centre.id, visited_on=date(2026, 11, 2),
                         assessor_name="Rae Khan", outcome="actions")
    action = QualityAction(organisation_id=centre.id, description="Update the plan",
                           due_on=date(2026, 12, 4))
    visit.actions.append(action)
    db.session.add_all([registration, report, visit])
    return {
        "registration": registration,
        "upload report": report,
        "quality visit": visit,
        "quality action": action,
        "centre colleague": make_user("centre", organisation=centre),
        "employer colleague": make_user("employer", organisation=employer),
        "approved centre": centre,
    }


def _url(endpoint: str, route: Route, objects: dict, token: str) -> str:
    obj = objects[route.target]
    values: dict = {}
    rule = next(r for r in _rules() if r.endpoint == endpoint)
    if "reference" in rule.arguments:
        values["reference"] = obj.reference
    if "token" in rule.arguments:
        values["token"] = token
    if "attachment_id" in rule.arguments:
        values["attachment_id"] = obj.attachments[0].id
    for name in ("document_id", "completion_id", "application_id", "org_id", "user_id",
                 "message_id", "payment_id", "registration_id", "report_id", "visit_id",
                 "action_id", "organisation_id"):
        if name in rule.arguments:
            values[name] = obj.id
    if "action" in rule.arguments:
        values["action"] = "note" if endpoint == "staff.request_action" else "sign-off"
    return url_for(endpoint, **values)


def _rules():
    from flask import current_app

    return list(current_app.url_map.iter_rules())


def _expected(endpoint: str, route: Route, actor: str) -> str:
    area = endpoint.split(".")[0]
    if area == "visitor":  # private links: the link is the only thing that opens them
        return "allowed" if actor == route.owner else "missing"
    if actor.startswith("visitor"):
        return "sign in"
    if ROLE[actor] not in AREA[area]:
        return "forbidden"
    if route.owner is None or actor == route.owner:
        return "allowed"
    return "missing"


def _outcome(response, method: str) -> str:
    code = response.status_code
    if code == 302 and "/account/sign-in" in response.headers["Location"]:
        return "sign in"
    if code == 403:
        return "forbidden"
    if code == 404:
        return "missing"
    if code == 200 or (method == "POST" and code in (302, 409)):
        return "allowed"
    return f"unexpected {code}"


@pytest.mark.parametrize("actor", ACTORS)
def test_v8_2_2_every_object_route_as_every_actor(app, world, sign_in, actor):
    users, objects, token = world
    client = app.test_client()
    if actor in users:
        sign_in(client, users[actor])
    # Only the visitor who was emailed the link has it; everyone else tries a made-up one.
    link = token if actor == "visitor with the private link" else "n0t-the-l1nk-" + "x" * 20
    problems = []
    with app.test_request_context():
        urls = {e: _url(e, r, objects, link) for e, r in MATRIX.items()}
    for endpoint, route in MATRIX.items():
        url = urls[endpoint]
        if route.method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data=route.data or {})
        got, want = _outcome(response, route.method), _expected(endpoint, route, actor)
        response.close()
        if got != want:
            problems.append(f"{route.method} {url} ({endpoint}): {got}, expected {want}")
    assert not problems, "\n".join(problems)


def test_every_object_route_is_in_the_matrix(app):
    with_values = {r.endpoint for r in app.url_map.iter_rules()
                   if r.arguments and r.endpoint != "static"}
    missing = with_values - set(MATRIX) - set(NOT_OBJECT_ROUTES)
    assert not missing, f"add these routes to MATRIX or NOT_OBJECT_ROUTES: {sorted(missing)}"
    assert set(NOT_OBJECT_ROUTES) <= with_values  # no stale exclusions


@pytest.mark.parametrize(
    ("actor", "path_for", "expected"),
    [
        # A file of another request, under a request the actor does own.
        ("owner member", lambda o, t: f"/member/requests/{o['member request'].reference}"
                                      f"/files/{o['employer request'].attachments[0].id}", 404),
        ("visitor with the private link",
         lambda o, t: f"/r/{t}/files/{o['member request'].attachments[0].id}", 404),
        # A file on an internal staff note: never the customer's, always staff's.
        ("owner member", lambda o, t: f"/member/requests/{o['member request'].reference}"
                                      f"/files/{o['internal attachment'].id}", 404),
        ("staff", lambda o, t: f"/staff/requests/{o['member request'].reference}"
                               f"/files/{o['internal attachment'].id}", 200),
    ],
)
def test_v8_2_3_files_are_checked_one_by_one(app, world, sign_in, actor, path_for, expected):
    users, objects, token = world
    client = app.test_client()
    if actor in users:
        sign_in(client, users[actor])
    response = client.get(path_for(objects, token))
    assert response.status_code == expected
    response.close()


def test_v16_3_2_refusals_of_real_objects_are_audited_without_the_link(app, world, sign_in):
    users, objects, token = world
    client = app.test_client()
    sign_in(client, users["another member"])
    reference = objects["member request"].reference
    assert client.get(f"/member/requests/{reference}").status_code == 404
    db.session.expire_all()
    denied = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "access.denied")
    ).all()
    assert [(d.target_type, d.target_id, d.actor_id) for d in denied] == [
        ("service_request", str(objects["member request"].id), users["another member"].id)
    ]
    everything = " ".join(str((e.summary, e.details)) for e in db.session.scalars(
        select(AuditEntry)))
    assert token not in everything


def test_v8_4_1_organisation_exports_hold_only_their_own_organisation(app, world, sign_in):
    users, _objects, _token = world
    mine, theirs = app.test_client(), app.test_client()
    sign_in(mine, users["centre contact"])
    sign_in(theirs, users["another centre's contact"])
    own = mine.get("/centre/learners.csv").get_data(as_text=True)
    other = theirs.get("/centre/learners.csv").get_data(as_text=True)
    assert "Lena Learner" in own and "Otto Outsider" not in own
    assert "Otto Outsider" in other and "Lena Learner" not in other


def test_a_closed_requests_private_link_stops_working_after_ninety_days(app, world):
    _users, objects, token = world
    request = objects["visitor request"]
    services.close(request, None)
    db.session.commit()
    client = app.test_client()
    assert client.get(f"/r/{token}").status_code == 200
    with time_machine.travel(request.closed_at + timedelta(days=91)):
        assert client.get(f"/r/{token}").status_code == 404


def test_a_draft_application_is_the_centres_own_until_sent(app, sign_in):
    contact = make_centre_user(approved=False)
    draft = complete_application(contact)
    staff = make_user("staff")
    db.session.commit()
    client = app.test_client()
    sign_in(client, staff)
    assert client.get(f"/staff/centres/applications/{draft.id}").status_code == 404
    assert client.get(f"/staff/centres/documents/{draft.documents[0].id}").status_code == 404
    centre = app.test_client()
    sign_in(centre, contact)
    response = centre.get(f"/centre/application/documents/{draft.documents[0].id}")
    assert response.status_code == 200
    response.close()


def test_the_worlds_files_exist_so_a_404_above_is_the_policy(app, world):
    _users, objects, _token = world
    for key in ("member request", "employer request", "centre request", "visitor request"):
        assert files.path_of(objects[key].attachments[0].stored_name).read_bytes() == PDF
    assert objects["internal attachment"].event.kind == EventKind.INTERNAL_NOTE.value
