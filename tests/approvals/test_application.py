"""Centre approval: steps, the centre-approval clock, pauses and decisions (CHARTER §2-5)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from portal.accounts.models import Organisation, User
from portal.approvals import queue, services, steps
from portal.approvals.models import CentreApplication, centre_qualification
from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.settings.services import change_targets
from tests.approvals.helpers import complete_application, make_centre_user, make_qualification
from tests.conftest import outbox_links

# Friday 27 November 2026, 6pm London (GMT): after hours, so the clock starts on Monday.
FRIDAY_EVENING = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
MONDAY_9AM = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
DUE_MON_14_DEC = datetime(2026, 12, 14, 17, 0, tzinfo=UTC)


def _emails(to: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == to).order_by(OutboxMessage.id)
        )
    )


# -- services ----------------------------------------------------------------------------------


def test_a_new_draft_lists_what_each_step_still_needs(app):
    user = make_centre_user(approved=False)
    application = services.start_application(user.organisation, user)
    problems = steps.step_problems(application)
    # The name comes from the organisation's record; the rest is still to fill in.
    assert problems["organisation"] == [
        "Add the address.",
        "Add the postcode.",
        "Add a phone number.",
    ]
    assert "Add the head of centre's name." in problems["contacts"]
    assert problems["qualifications"] == ["Choose at least one qualification."]
    assert problems["documents"] == ["Upload at least one supporting document."]
    assert steps.step_state(application, "contacts") == "Not started"
    assert steps.step_state(application, "organisation") == "In progress"


def test_an_approved_centre_cannot_apply_again(app):
    user = make_centre_user(approved=True)
    with pytest.raises(services.CentreError, match="already approved"):
        services.start_application(user.organisation, user)


def test_an_incomplete_application_cannot_be_sent(app):
    user = make_centre_user(approved=False)
    application = services.start_application(user.organisation, user)
    with pytest.raises(services.CentreError, match="Complete every step"):
        services.submit_application(application, user)
    assert application.status == "draft"
    assert application.due_at is None


def test_sending_starts_the_clock_by_the_charter_rule_and_stores_it(app):
    user = make_centre_user(approved=False)
    application = complete_application(user)
    services.submit_application(application, user, now=FRIDAY_EVENING)
    db.session.commit()
    db.session.expire_all()
    application = db.session.get(CentreApplication, application.id)
    assert application.status == "submitted"
    assert application.received_at == FRIDAY_EVENING
    assert application.clock_started_at == MONDAY_9AM
    assert "after we closed" in application.clock_start_reason
    assert application.due_at == DUE_MON_14_DEC
    assert application.policy_version_id is not None
    [email] = _emails(user.email)
    assert "5pm on Monday 14 December 2026" in email.body_text
    assert "after we closed" in email.body_text


def test_a_target_changed_later_does_not_move_a_date_already_given(app):
    user = make_centre_user(approved=False)
    application = complete_application(user)
    services.submit_application(application, user, now=FRIDAY_EVENING)
    change_targets({"centre-approval": 5}, "Faster approvals")
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(CentreApplication, application.id).due_at == DUE_MON_14_DEC


def test_waiting_for_the_centre_moves_the_due_date_by_the_office_time_spent_waiting(app, make_user):
    user = make_centre_user(approved=False)
    staff = make_user("staff")
    application = complete_application(user)
    services.submit_application(application, user, now=FRIDAY_EVENING)
    services.request_more_information(
        application,
        staff,
        "Send your insurance certificate.",
        now=datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
    )
    assert application.status == "more_info"
    assert application.due_at == DUE_MON_14_DEC  # paused, not yet moved
    # Tuesday 10am to 5pm plus Wednesday 9am to midday: 10 office hours waited.
    services.provide_information(
        application, user, "Added it.", now=datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    )
    assert application.status == "submitted"
    assert application.paused_at is None
    assert application.due_at == datetime(2026, 12, 16, 11, 0, tzinfo=UTC)
    assert [e.kind for e in application.events] == ["submitted", "info_requested", "info_provided"]
    assert "insurance certificate" in _emails(user.email)[-1].body_text


def test_approval_issues_a_centre_number_and_the_qualifications(app, make_user):
    user = make_centre_user(approved=False)
    qualification = make_qualification("ZZZ-301")
    application = complete_application(user, qualification)
    services.submit_application(application, user)
    services.approve_application(application, make_user("staff"), "Welcome aboard.")
    db.session.commit()
    organisation = db.session.get(Organisation, user.organisation_id)
    assert organisation.is_approved
    assert organisation.reference == f"C-{30000 + application.id}"
    assert organisation.name == "Brightwater Training Ltd"
    granted = db.session.scalars(
        select(centre_qualification.c.qualification_id).where(
            centre_qualification.c.organisation_id == organisation.id
        )
    ).all()
    assert granted == [qualification.id]
    email = _emails(user.email)[-1]
    assert email.subject == "Your centre is approved"
    assert organisation.reference in email.body_text


def test_declining_needs_reasons_and_lets_the_centre_start_again(app, make_user):
    user = make_centre_user(approved=False)
    application = complete_application(user)
    services.submit_application(application, user)
    staff = make_user("staff")
    with pytest.raises(services.CentreError, match="reasons"):
        services.decline_application(application, staff, "  ")
    services.decline_application(application, staff, "No assessor qualifications shown.")
    assert application.status == "declined"
    assert not user.organisation.is_approved
    assert "No assessor qualifications shown." in _emails(user.email)[-1].body_text
    again = services.start_application(user.organisation, user)
    assert again.id != application.id
    assert again.status == "draft"
    assert again.head_name == "Ada Lovelace"  # answers carried over
    assert again.qualifications == application.qualifications


def test_staff_see_time_left_in_office_time(app):
    user = make_centre_user(approved=False)
    application = complete_application(user)
    services.submit_application(application, user, now=FRIDAY_EVENING)
    progress = queue.progress(application, now=datetime(2026, 12, 14, 14, 0, tzinfo=UTC))
    assert progress.state == "at_risk"
    assert progress.time_left == "3 hours left"
    late = queue.progress(application, now=datetime(2026, 12, 15, 11, 0, tzinfo=UTC))
    assert late.state == "overdue"
    # Said since when, not in office time: "overdue by 2 hours" reads the same on a Monday
    # morning for a promise missed on Friday (issue 15).
    assert late.time_left == "overdue since 5pm on Monday 14 December"
    early = queue.progress(application, now=MONDAY_9AM)
    # Day 0 (the Monday the clock started) counts in full, then 10 more working days.
    assert early.time_left == "11 working days left"


# -- the centre's pages ----------------------------------------------------------------------


@pytest.fixture
def applicant(app, sign_in):
    user = make_centre_user(approved=False)
    make_qualification("APP-201", title="Certificate in Testing")
    db.session.commit()
    client = app.test_client()
    sign_in(client, user)
    return client, user


def test_a_draft_is_saved_half_done_and_picked_up_later(applicant):
    client, user = applicant
    assert client.post("/centre/application/start").status_code == 302
    response = client.post(
        "/centre/application/step/contacts",
        data={"head_name": "Ada Lovelace", "save_draft": "y"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/centre/application"
    page = client.get("/centre/application").get_data(as_text=True)
    assert "In progress" in page
    form = client.get("/centre/application/step/contacts").get_data(as_text=True)
    assert 'value="Ada Lovelace"' in form


def test_continuing_insists_on_the_step_and_keeps_what_was_typed(applicant):
    client, _user = applicant
    client.post("/centre/application/start")
    response = client.post(
        "/centre/application/step/contacts",
        data={"head_name": "Ada Lovelace", "head_email": "not-an-email", "save_continue": "y"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter the quality nominee&#39;s name." in page
    assert "right format" in page
    assert 'value="Ada Lovelace"' in page
    db.session.expire_all()
    assert db.session.scalar(select(CentreApplication.head_name)) == ""  # nothing saved


def test_continuing_moves_to_the_next_step(applicant):
    client, _user = applicant
    client.post("/centre/application/start")
    response = client.post(
        "/centre/application/step/organisation",
        data={
            "legal_name": "Brightwater Ltd",
            "address": "1 Quay Street",
            "postcode": "bs14dj",
            "phone": "0117 496 0000",
            "save_continue": "y",
        },
    )
    assert response.headers["Location"] == "/centre/application/step/contacts"
    db.session.expire_all()
    assert db.session.scalar(select(CentreApplication.postcode)) == "BS1 4DJ"


def test_sending_an_incomplete_application_lists_each_missing_part(applicant):
    client, _user = applicant
    client.post("/centre/application/start")
    response = client.post("/centre/application/submit", data={"confirm": "y"})
    page = response.get_data(as_text=True)
    assert "Complete every part before you send the application." in page
    assert "Supporting documents: Upload at least one supporting document." in page
    assert 'href="/centre/application/step/qualifications"' in page


def test_the_whole_application_through_the_pages(applicant):
    client, user = applicant
    client.post("/centre/application/start")
    qualification_id = db.session.scalar(select(centre_qualification.c.qualification_id)) or (
        db.session.scalar(select(services.Qualification.id))
    )
    steps = {
        "organisation": {
            "legal_name": "Brightwater Ltd",
            "address": "1 Quay Street",
            "postcode": "BS1 4DJ",
            "phone": "0117 496 0000",
        },
        "contacts": {
            "head_name": "Ada Lovelace",
            "head_email": "ada@example.test",
            "quality_name": "Grace Hopper",
            "quality_email": "grace@example.test",
        },
        "qualifications": {"qualifications": [str(qualification_id)]},
        "quality": {
            "qa_lead_name": "Grace Hopper",
            "assessor_count": "3",
            "internal_qa": "Sampling.",
            "standardisation": "Meetings.",
        },
    }
    for step, data in steps.items():
        response = client.post(
            f"/centre/application/step/{step}", data={**data, "save_continue": "y"}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == "/centre/application/documents"
    assert client.get(response.headers["Location"]).status_code == 200
    response = client.post(
        "/centre/application/documents",
        data={"title": "QA policy", "file": (io.BytesIO(b"%PDF-1.7 test"), "qa.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    # The box must be ticked.
    assert "Confirm the information is correct." in client.post(
        "/centre/application/submit", data={}
    ).get_data(as_text=True)
    response = client.post("/centre/application/submit", data={"confirm": "y"})
    assert response.status_code == 302
    page = client.get("/centre/application").get_data(as_text=True)
    assert "With our team" in page
    assert "We will decide by" in page
    # Sent applications are read-only.
    response = client.post(
        "/centre/application/step/contacts", data={"head_name": "Changed", "save_draft": "y"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(CentreApplication.head_name)) == "Ada Lovelace"


def test_live_status_answers_304_when_nothing_changed(applicant, make_user):
    client, user = applicant
    application = complete_application(user)
    services.submit_application(application, user)
    db.session.commit()
    first = client.get("/centre/application/status.json")
    assert first.status_code == 200
    assert first.json["status_label"] == "With our team"
    etag = first.headers["ETag"]
    again = client.get("/centre/application/status.json", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    services.request_more_information(application, make_user("staff"), "More please.")
    db.session.commit()
    changed = client.get("/centre/application/status.json", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json["status_label"] == "Waiting for your reply"


def test_the_centre_replies_to_a_request_for_information(applicant, make_user):
    client, user = applicant
    application = complete_application(user)
    services.submit_application(application, user)
    services.request_more_information(application, make_user("staff"), "Which awarding body?")
    db.session.commit()
    page = client.get("/centre/application").get_data(as_text=True)
    assert "Which awarding body?" in page
    empty = client.post("/centre/application/respond", data={"message": " "})
    assert "Tell us what you have changed or added." in empty.get_data(as_text=True)
    assert client.post("/centre/application/respond", data={"message": "Ours."}).status_code == 302
    db.session.expire_all()
    assert db.session.get(CentreApplication, application.id).status == "submitted"


# -- staff pages -----------------------------------------------------------------------------------


def test_staff_queue_orders_by_due_date_and_shows_time_left(app, signed_in_as):
    first, second = make_centre_user(approved=False), make_centre_user(approved=False)
    later = complete_application(first)
    sooner = complete_application(second)
    services.submit_application(later, first, now=datetime(2026, 12, 1, 10, tzinfo=UTC))
    services.submit_application(sooner, second, now=datetime(2026, 11, 30, 10, tzinfo=UTC))
    draft_user = make_centre_user(approved=False)
    services.start_application(draft_user.organisation, draft_user)
    db.session.commit()
    # Staff sessions end after 30 idle minutes, so sign in at the frozen time.
    with time_machine.travel(datetime(2026, 12, 2, 10, tzinfo=UTC), tick=False):
        staff_client, _staff = signed_in_as("staff")
        page = staff_client.get("/staff/centres/").get_data(as_text=True)
    assert page.index(sooner.reference) < page.index(later.reference)
    assert "On track" in page
    assert "8 working days" in page


def test_staff_ask_approve_and_decline_through_the_pages(app, staff_client):
    user = make_centre_user(approved=False)
    application = complete_application(user)
    services.submit_application(application, user)
    other_user = make_centre_user(approved=False)
    other = complete_application(other_user)
    services.submit_application(other, other_user)
    db.session.commit()
    url = f"/staff/centres/applications/{application.id}"
    assert "Brightwater Training Ltd" in staff_client.get(url).get_data(as_text=True)
    # Drafts stay private to the centre.
    draft_user = make_centre_user(approved=False)
    draft = services.start_application(draft_user.organisation, draft_user)
    db.session.commit()
    assert staff_client.get(f"/staff/centres/applications/{draft.id}").status_code == 404

    empty = staff_client.post(f"{url}/request-info", data={"message": ""})
    assert "Say what information you need." in empty.get_data(as_text=True)
    assert staff_client.post(f"{url}/request-info", data={"message": "More"}).status_code == 302
    assert staff_client.post(f"{url}/approve", data={}).status_code == 302
    db.session.expire_all()
    approved = db.session.get(CentreApplication, application.id)
    assert approved.status == "approved"
    assert approved.organisation.is_approved

    no_reason = staff_client.post(f"/staff/centres/applications/{other.id}/decline", data={})
    assert "Give the reasons for declining." in no_reason.get_data(as_text=True)
    staff_client.post(
        f"/staff/centres/applications/{other.id}/decline", data={"reasons": "Not yet ready."}
    )
    db.session.expire_all()
    assert db.session.get(CentreApplication, other.id).status == "declined"
    # A decided application cannot be decided again.
    again = staff_client.post(
        f"{url}/decline", data={"reasons": "Changed my mind"}, follow_redirects=True
    )
    assert "Only an application with our team can be declined." in again.get_data(as_text=True)


# -- a visitor registers an organisation ---------------------------------------------------------


def test_a_visitor_registers_a_learning_organisation(app, client):
    page = client.get("/centre-application/start").get_data(as_text=True)
    assert "10 working days" in page
    bad = client.post("/centre-application/start", data={"organisation_name": "Acme"})
    assert "There is a problem" in bad.get_data(as_text=True)
    assert 'value="Acme"' in bad.get_data(as_text=True)
    # The same password rules as every account: a well-known password is refused.
    common = client.post(
        "/centre-application/start",
        data={"organisation_name": "Acme", "full_name": "Rosa Parks",
              "email": "rosa@example.test", "password": "password1234",
              "confirm": "password1234"},
    )
    assert "There is a problem" in common.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "rosa@example.test")) is None
    response = client.post(
        "/centre-application/start",
        data={
            "organisation_name": "Acme Training",
            "full_name": "Rosa Parks",
            "email": "Rosa@Example.test",
            "password": "montgomery-bus-1955",
            "confirm": "montgomery-bus-1955",
        },
    )
    assert "Check your email" in response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "rosa@example.test"))
    assert user.role == "centre"
    assert not user.is_verified
    assert user.organisation.name == "Acme Training"
    assert user.organisation.kind == "centre"
    assert not user.organisation.is_approved
    assert any("/account/verify/" in link for link in outbox_links("rosa@example.test"))


def test_registering_an_address_already_in_use_creates_nothing(app, client, make_user):
    make_user("member", email="taken@example.test")
    db.session.commit()
    before = db.session.scalar(select(db.func.count(Organisation.id)))
    client.post(
        "/centre-application/start",
        data={
            "organisation_name": "Copycat Ltd",
            "full_name": "Someone Else",
            "email": "taken@example.test",
            "password": "montgomery-bus-1955",
            "confirm": "montgomery-bus-1955",
        },
    )
    assert db.session.scalar(select(db.func.count(Organisation.id))) == before
    assert _emails("taken@example.test")[-1].subject == "You already have an account"
