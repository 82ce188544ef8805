"""Customers never hit a dead end (issue 15): the contact form is reachable from every
public page, the footer gives the organisation's contact details, applicants are led to
apply, one membership decision runs at a time, and a missed promise is said plainly."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from portal.accounts.forms import strip_text
from portal.accounts.models import Membership
from portal.charter.wording import (
    callback_preference_words,
    office_time_left,
    promise_words,
    renewal_reminder_words,
)
from portal.extensions import db
from portal.requests import files, live, services
from portal.settings import services as settings_services
from tests.factories import make_organisation, make_user
from tests.requests.conftest import PDF

MONDAY_9AM = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
FRIDAY_5PM = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)


# -- reachable ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/account/sign-in", "/account/register", "/charter"])
def test_every_public_page_offers_contact_us(client, path):
    page = client.get(path).get_data(as_text=True)
    assert 'href="/contact"' in page
    assert "Contact us" in page


def test_the_footer_gives_the_contact_details_an_administrator_saves(app, signed_in_as, client):
    admin, _user = signed_in_as("admin")
    response = admin.post(
        "/admin/contact-details",
        data={
            "phone": "0300 999 0000",
            "email": "help@example.test",
            "postal_address": "1 High Street\r\nLondon\r\nEC1A 1AA",
        },
    )
    assert response.status_code == 302
    page = client.get("/charter").get_data(as_text=True)
    assert "0300 999 0000" in page and "help@example.test" in page
    assert "1 High Street, London, EC1A 1AA" in page
    refused = admin.post("/admin/contact-details", data={"email": "not an email"})
    assert refused.status_code == 200 and "There is a problem" in refused.get_data(as_text=True)


def test_the_home_pages_employer_card_has_an_action(client):
    page = client.get("/").get_data(as_text=True)
    card = page.split('id="employers-heading"')[1].split("</section>")[0]
    assert 'href="/account/sign-in"' in card and 'href="/contact/question"' in card


def test_the_centre_dashboard_reaches_support_and_the_centres_requests(signed_in_as):
    client, _user = signed_in_as("centre")
    page = client.get("/centre/").get_data(as_text=True)
    assert 'href="/centre/requests/new"' in page and "Ask us about a process" in page
    assert "within 2 working days" in page
    assert 'href="/centre/requests"' in page and "Your centre's requests" in page


# -- applicants ----------------------------------------------------------------------------


def _applicant(signed_in_as):
    membership = Membership(grade="member", status="applicant", joined_on=date(2026, 11, 1))
    return signed_in_as("member", membership=membership)


def _with_evidence(data: dict, files: int) -> dict:
    """A grade's form asks for each piece of its evidence (one file each)."""
    return {
        **data,
        **{f"evidence_{n}": (io.BytesIO(PDF), f"evidence{n}.pdf") for n in range(files)},
    }


APPLICATION = {"grade": "associate", "body": "Ten years in customer service."}


def test_an_applicant_is_led_to_apply_then_shown_the_application(signed_in_as):
    client, _user = _applicant(signed_in_as)
    page = client.get("/member/").get_data(as_text=True)
    assert "Apply for membership" in page and 'href="/member/requests/new/application"' in page
    assert "tell you the outcome within 3 working days" in page
    assert "has not been decided yet" not in page
    assert "(Applicant)" in page and "(Member)" not in page
    assert (
        client.post(
            "/member/requests/new/application", data=_with_evidence(APPLICATION, 1)
        ).status_code
        == 302
    )
    page = client.get("/member/").get_data(as_text=True)
    assert "Your membership application" in page
    assert "Grade applied for</dt><dd>Associate Member" in page
    assert "We will decide on your application and tell you the outcome by" in page
    assert "Apply for membership</a>" not in page


def test_a_second_application_is_refused_with_a_link_to_the_first(signed_in_as):
    client, _user = _applicant(signed_in_as)
    client.post("/member/requests/new/application", data=_with_evidence(APPLICATION, 1))
    again = client.post("/member/requests/new/application", data=_with_evidence(APPLICATION, 1))
    assert again.status_code == 409
    text = again.get_data(as_text=True)
    assert "You already have an application in progress" in text
    assert 'href="/member/requests/A' in text
    assert client.get("/member/requests/new/application").status_code == 200


def test_an_upgrade_while_one_is_pending_is_refused(signed_in_as):
    client, _user = signed_in_as("member")
    data = {"grade": "fellow", "body": "Evidence."}
    assert (
        client.post("/member/requests/new/upgrade", data=_with_evidence(data, 3)).status_code == 302
    )
    again = client.post("/member/requests/new/upgrade", data=_with_evidence(data, 3))
    assert again.status_code == 409
    assert 'href="/member/requests/U' in again.get_data(as_text=True)


# -- honest ----------------------------------------------------------------------------------


def test_promise_words_say_due_missed_met_and_done_late():
    due = FRIDAY_5PM
    assert promise_words("reply", due, None, due - timedelta(hours=1)) == (
        "due",
        "We will reply by 5pm on Friday 27 November.",
    )
    state, words = promise_words("reply", due, None, MONDAY_9AM)
    assert state == "missed"
    assert "we have missed that" in words and "sorry" in words and "as soon as we can" in words
    assert promise_words("reply", due, due - timedelta(hours=2), MONDAY_9AM)[0] == "met"
    state, words = promise_words("reply", due, MONDAY_9AM, MONDAY_9AM)
    assert state == "late" and words.startswith("Done late") and "Met" not in words


def test_staff_read_overdue_since_when_not_office_time():
    assert office_time_left(-30, 8 * 3600, FRIDAY_5PM) == "overdue since 5pm on Friday 27 November"
    assert office_time_left(3600, 8 * 3600, FRIDAY_5PM) == "1 hour left"


def test_the_renewal_line_promises_a_reminder_only_before_its_day():
    renewal = date(2026, 12, 28)
    reminder = renewal - timedelta(days=28)
    assert "We will remind you on Monday 30 November 2026" in renewal_reminder_words(
        renewal, reminder, date(2026, 11, 20)
    )
    assert "remind" not in renewal_reminder_words(renewal, reminder, date(2026, 12, 10))
    assert "has passed" in renewal_reminder_words(renewal, reminder, date(2027, 1, 2))


def test_a_callbacks_preferred_time_is_reflected():
    assert callback_preference_words("any", "Any time") == ""
    words = callback_preference_words("morning", "Morning (9am to midday)")
    assert words.startswith("You asked us to call in the morning (9am to midday).")


def test_the_employer_cut_off_is_stated_with_its_time(app, signed_in_as, client):
    settings_services.set_office_hours(time(9), time(17), time(15, 30))
    db.session.commit()
    assert "at or after 3:30pm" in client.get("/charter").get_data(as_text=True)
    employer, _user = signed_in_as("employer")
    assert "at or after 3:30pm" in employer.get("/employer/requests/new").get_data(as_text=True)


def test_a_missed_promise_is_missed_on_every_customer_page(app, sign_in):
    user, person = make_user("employer"), make_user("member")
    made = services.submit_request(
        "employer-support",
        subject="Export broken",
        body="Help",
        requester=user,
        organisation=user.organisation,
    ).request
    mine = services.submit_request("query", subject="Hello", body="Q", requester=person).request
    db.session.commit()
    with time_machine.travel(made.response_due_at + timedelta(days=7), tick=False):
        employer, member = app.test_client(), app.test_client()
        sign_in(employer, user)
        sign_in(member, person)
        for client, url in [
            (employer, "/employer/"),
            (employer, "/employer/requests"),
            (employer, f"/employer/requests/{made.reference}"),
            (member, "/member/"),
            (member, f"/member/requests/{mine.reference}"),
        ]:
            page = client.get(url).get_data(as_text=True)
            assert "we have missed that" in page, url
            assert "We are sorry." in page, url
            assert "We will reply by" not in page, url


def test_a_case_resolved_keeps_no_stale_proposed_date(signed_in_as):
    member, person = signed_in_as("member")
    staff = make_user("staff")
    made = services.submit_request("complaint", subject="Late", body="B", requester=person).request
    services.staff_reply(made, staff, "Sorry.", resolution_date=date(2026, 12, 31))
    services.ask_to_discuss(made, "Too late", person)
    services.resolve(made, staff, "Fixed.")
    db.session.commit()
    page = member.get(f"/member/requests/{made.reference}").get_data(as_text=True)
    assert "you asked to discuss this date" not in page
    assert "Proposed date to resolve" not in page


def test_a_paused_resolution_date_is_shown_on_hold_since_when(signed_in_as):
    member, person = signed_in_as("member")
    staff = make_user("staff")
    made = services.submit_request("complaint", subject="Late", body="B", requester=person).request
    services.staff_reply(made, staff, "Sorry.", resolution_date=date(2026, 12, 31))
    services.wait_for_customer(made, staff, "Which order?")
    db.session.commit()
    page = member.get(f"/member/requests/{made.reference}").get_data(as_text=True)
    assert "On hold since" in page and "When you reply, the date moves on" in page


# -- forms and bad input -------------------------------------------------------------------


@pytest.mark.parametrize("text", ["   ", "\u200b\u200b", " \ufeff\u200d\u2060 ", "\u00a0\u200b"])
def test_invisible_text_counts_as_empty(signed_in_as, text):
    assert strip_text(text) == ""
    client, _user = signed_in_as("member")
    page = client.post(
        "/member/requests/new/question", data={"subject": text, "body": text}
    ).get_data(as_text=True)
    assert "Enter a subject." in page and "Enter your question." in page


def test_the_export_keeps_file_names_with_their_extensions(signed_in_as):
    client, person = signed_in_as("member")
    services.submit_request(
        "query",
        subject="Receipt",
        body="Attached",
        requester=person,
        uploads=[files.check_upload("My receipt.pdf", PDF)],
    )
    db.session.commit()
    archive = zipfile.ZipFile(io.BytesIO(client.post("/account/my-data/").data))
    data = json.loads(archive.read("data.json"))
    inside = data["requests"][0]["files"][0]["file_in_this_zip"]
    assert inside.endswith("-My receipt.pdf")
    assert inside in archive.namelist()


# -- live --------------------------------------------------------------------------------------


def test_organisation_and_centre_tags_change_when_staff_act(app):
    employer = make_user("employer")
    staff = make_user("staff")
    made = services.submit_request(
        "employer-support",
        subject="S",
        body="B",
        requester=employer,
        organisation=employer.organisation,
    ).request
    before = live.etag_of("o", employer.organisation_id)
    services.staff_reply(made, staff, "Answer")
    db.session.flush()
    assert live.etag_of("o", employer.organisation_id) != before
    centre = make_organisation("centre")
    assert live.etag_of("c", centre.id) == live.etag_of("c", centre.id)
    assert live.parse_key(live.state_key("c", centre.id)) == ("c", centre.id)
    assert live.parse_key("c1.forged") is None


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("employer", "/employer/"),
        ("employer", "/employer/requests"),
        ("centre", "/centre/"),
        ("centre", "/centre/requests"),
        ("member", "/member/"),
    ],
)
def test_customer_pages_carry_a_live_region(signed_in_as, role, url):
    client, _user = signed_in_as(role)
    page = client.get(url).get_data(as_text=True)
    assert "data-live-state=" in page and "/static/js/live.js" in page
    assert page.count("/static/js/live.js") == 1


def test_a_callbacks_chosen_time_is_in_the_page_and_the_email(signed_in_as):
    from portal.notify.models import OutboxMessage

    client, person = signed_in_as("member")
    response = client.post(
        "/member/requests/new/callback",
        data={"phone": "07700 900123", "preferred_time": "afternoon", "body": "About my renewal."},
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You asked us to call in the afternoon (midday to 5pm)." in page
    email = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.to_address == person.email)
    ).all()[-1]
    assert "You asked us to call in the afternoon" in email.body_text


def test_the_acknowledgement_gives_the_employer_cut_off_time(app):
    from portal.notify.models import OutboxMessage

    settings_services.set_office_hours(time(9), time(17), time(15))
    employer = make_user("employer")
    services.submit_request(
        "employer-support",
        subject="S",
        body="B",
        requester=employer,
        organisation=employer.organisation,
    )
    db.session.flush()
    email = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.to_address == employer.email)
    ).all()[-1]
    assert "at or after 3pm are answered the next working day" in email.body_text


def test_the_date_is_said_to_move_only_when_it_moved(signed_in_as):
    from portal.requests.models import EventKind

    member, person = signed_in_as("member")
    staff = make_user("staff")
    saturday, sunday = (
        datetime(2026, 11, 28, 10, tzinfo=UTC),
        datetime(2026, 11, 29, 10, tzinfo=UTC),
    )
    with time_machine.travel(datetime(2026, 11, 26, 10, tzinfo=UTC), tick=False):
        made = services.submit_request(
            "complaint", subject="Late", body="B", requester=person
        ).request
        services.staff_reply(made, staff, "Sorry.", resolution_date=date(2026, 12, 31))
    with time_machine.travel(saturday, tick=False):
        services.wait_for_customer(made, staff, "Which order?")
    with time_machine.travel(sunday, tick=False):
        services.customer_reply(made, "Order 42.", person)  # no office time passed
    db.session.commit()
    resumed = [e for e in made.events if e.kind == EventKind.RESUMED]
    assert resumed and "resolution_due_at" not in resumed[-1].data
    page = member.get(f"/member/requests/{made.reference}").get_data(as_text=True)
    assert "moved to" not in page
