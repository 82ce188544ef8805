"""Logging contact on someone's behalf, membership decisions, the staff home and replies."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import time_machine
from sqlalchemy import select

from portal.accounts.models import Membership
from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.requests import services
from portal.requests.models import EventKind, ServiceRequest, Status
from portal.staff.models import ReusableReply
from tests.factories import make_user
from tests.requests.conftest import upload
from tests.staff.test_request_page import act, reload

# Monday 30 November 2026, 11:00 GMT.
MON_11AM = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)


def latest_request() -> ServiceRequest:
    db.session.expire_all()
    return db.session.scalars(select(ServiceRequest).order_by(ServiceRequest.id.desc())).first()


LETTER = {
    "kind": "complaint",
    "channel": "letter",
    "received_on": "2026-11-27",
    "received_time": "18:30",
    "subject": "Exam room was too cold",
    "body": "The heating was off during my exam on Thursday.",
}


@time_machine.travel(MON_11AM, tick=False)
def test_logging_a_letter_for_an_existing_member_starts_the_clock_when_it_arrived(
        signed_in_as):
    client, staff = signed_in_as("staff")
    member = make_user("member", full_name="Harriet Vane", email="harriet@example.test")
    db.session.commit()
    found = client.get("/staff/log?q=harriet").get_data(as_text=True)
    assert f"/staff/log?person={member.id}" in found
    chosen = client.get(f"/staff/log?person={member.id}").get_data(as_text=True)
    assert "For <strong>Harriet Vane</strong>" in chosen

    response = client.post("/staff/log", data={**LETTER, "person": str(member.id)})
    made = latest_request()
    assert response.headers["Location"] == f"/staff/requests/{made.reference}"
    assert made.requester_id == member.id and made.channel == "letter"
    # Friday 27 November 18:30 London is after hours: the clock starts Monday 9am.
    assert made.received_at == datetime(2026, 11, 27, 18, 30, tzinfo=UTC)
    assert made.clock_started_at == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert made.events[0].actor_id == staff.id and made.events[0].author_name == "Harriet Vane"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "logged by" in page and "arrived by letter" in page


@time_machine.travel(MON_11AM, tick=False)
def test_logging_for_a_new_contact_and_the_checks(signed_in_as):
    client, _staff = signed_in_as("staff")
    # Missing who, a future time, a bad email: all shown on the form, typed text kept.
    response = client.post("/staff/log", data=LETTER)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter the new contact&#39;s name, or choose a person." in page
    assert "Exam room was too cold" in page

    future = {**LETTER, "full_name": "Ned New", "email": "ned@example.test",
              "received_on": "2026-11-30", "received_time": "12:00"}
    page = client.post("/staff/log", data=future).get_data(as_text=True)
    assert "cannot be in the future" in page and latest_request() is None

    page = client.post("/staff/log", data={**future, "received_time": "25:99",
                                           "email": "not-an-email"}).get_data(as_text=True)
    assert "Enter the time it arrived" in page or "Not a valid time" in page
    assert "right format" in page

    callback = {**future, "kind": "callback", "channel": "phone", "received_time": "10:15"}
    page = client.post("/staff/log", data=callback).get_data(as_text=True)
    assert "Enter the phone number to call back." in page
    response = client.post("/staff/log", data={**callback, "phone": "07700 900456"})
    assert response.status_code == 302
    made = latest_request()
    assert made.requester_id is None and made.private_token_hash  # a visitor's private link
    assert made.details == {"phone": "07700 900456"}
    assert made.received_at == datetime(2026, 11, 30, 10, 15, tzinfo=UTC)
    assert made.clock_started_at == made.received_at
    mail = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.to_address == "ned@example.test"))
    assert made.reference in mail.subject


@time_machine.travel(MON_11AM, tick=False)
def test_a_new_contact_with_an_account_is_logged_against_it(signed_in_as):
    client, _ = signed_in_as("staff")
    member = make_user("member", email="known@example.test")
    db.session.commit()
    client.post("/staff/log", data={**LETTER, "full_name": "Known Person",
                                    "email": "KNOWN@example.test"})
    assert latest_request().requester_id == member.id


@time_machine.travel(MON_11AM, tick=False)
def test_approving_an_application_sets_grade_number_renewal_and_meets_the_promise(
        signed_in_as, submit):
    client, _staff = signed_in_as("staff")
    applicant = make_user("member", membership=Membership(grade="associate",
                                                          status="applicant"))
    r = submit("membership-application", requester=applicant, details={"grade": "member"},
               uploads=[upload("diploma.pdf")]).request
    db.session.commit()
    listing = client.get("/staff/membership").get_data(as_text=True)
    assert r.reference in listing and "1 file" in listing
    page = client.get(f"/staff/membership/{r.reference}").get_data(as_text=True)
    assert "diploma.pdf" in page and '<option selected value="member">' in page

    response = act(client, r, "decision", decision="approve", grade="member")
    assert response.status_code == 302
    db.session.expire_all()
    membership = db.session.get(type(applicant), applicant.id).membership
    assert membership.status == "active" and membership.grade == "member"
    assert re.fullmatch(r"M\d{7}", membership.membership_number)
    assert membership.renewal_date == date(2027, 11, 30)
    assert membership.joined_on == date(2026, 11, 30)
    r = reload(r)
    assert r.promise_met_at == MON_11AM and r.status == Status.RESOLVED
    mail = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.to_address == applicant.email).order_by(OutboxMessage.id.desc())).first()
    assert membership.membership_number in mail.body_text
    assert "30 November 2027" in mail.body_text
    assert r.reference not in client.get("/staff/membership").get_data(as_text=True)


@time_machine.travel(MON_11AM, tick=False)
def test_declining_needs_reasons_and_tells_the_applicant(signed_in_as, submit):
    client, _ = signed_in_as("staff")
    member = make_user("member")
    r = submit("membership-upgrade", requester=member,
               details={"target_grade": "fellow"}).request
    db.session.commit()
    response = act(client, r, "decision", decision="decline", grade="fellow")
    assert "Give the reasons for declining." in response.get_data(as_text=True)
    response = act(client, r, "decision", decision="decline", grade="fellow",
                   message="Fellowship needs ten years at Member grade.")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(member), member.id).membership.grade == "member"
    r = reload(r)
    assert r.status == Status.RESOLVED and r.promise_met_at == MON_11AM
    reply = [e for e in r.events if e.kind == EventKind.STAFF_REPLY][-1]
    assert "ten years" in reply.body
    # A decision cannot be made on another kind of request.
    query = submit("query", requester=member).request
    db.session.commit()
    assert client.get(f"/staff/membership/{query.reference}").status_code == 404


def test_membership_numbers_continue_the_series(app, submit):
    from portal.staff.services import _new_membership_number

    make_user("member", membership=Membership(grade="member", status="active",
                                              membership_number="M1000041"))
    assert _new_membership_number() == "M1000042"


@time_machine.travel(MON_11AM, tick=False)
def test_staff_home_counts_link_into_the_queue_and_lists_my_requests(signed_in_as, submit):
    client, staff = signed_in_as("staff")
    late = submit("query", email="late@example.test").request
    late.response_due_at = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    soon = submit("complaint", email="soon@example.test").request
    soon.response_due_at = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)
    services.assign(soon, staff, staff)
    submit("feedback", email="later@example.test")
    db.session.commit()
    page = client.get("/staff/").get_data(as_text=True)
    # The counts are the whole queue's, so their links show every team (issue #16).
    assert re.search(r'state=overdue&amp;team=all"><span class="big">1</span> overdue', page)
    assert re.search(r'state=at_risk&amp;team=all"><span class="big">1</span> at risk', page)
    assert re.search(r'state=due_today&amp;team=all"><span class="big">1</span> due today',
                     page)
    assert soon.reference in page and late.reference not in page  # mine only


def test_reusable_replies_can_be_added_edited_and_deleted(signed_in_as):
    client, _ = signed_in_as("staff")
    response = client.post("/staff/replies", data={"kind": "query", "title": "", "body": ""})
    assert "Enter a title." in response.get_data(as_text=True)
    client.post("/staff/replies", data={"kind": "query", "title": "Opening hours",
                                        "body": "We are open 9am to 5pm."})
    reply = db.session.scalar(select(ReusableReply))
    assert reply.title == "Opening hours"
    client.post(f"/staff/replies/{reply.id}", data={"kind": "complaint", "title": "Hours",
                                                    "body": "Open 9 to 5."})
    db.session.expire_all()
    assert (reply.kind, reply.title) == ("complaint", "Hours")
    client.post(f"/staff/replies/{reply.id}/delete")
    db.session.expire_all()
    assert db.session.scalar(select(ReusableReply)) is None
    assert client.get("/staff/replies/999").status_code == 404
