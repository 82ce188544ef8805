"""Employers see their dedicated contact, whether they are available, and who covers."""

from datetime import UTC, date, datetime

import time_machine

from portal.accounts.absences import add_absence, support_cover
from portal.extensions import db
from tests.factories import make_organisation, make_user

WEDNESDAY_10AM = datetime(2026, 11, 25, 10, tzinfo=UTC)
WEDNESDAY_7PM = datetime(2026, 11, 25, 19, tzinfo=UTC)


def _employer_with_contacts():
    contact = make_user(
        "staff", full_name="Sam Patel", job_title="Employer Support Manager", phone="020 7946 0101"
    )
    deputy = make_user(
        "staff", full_name="Jordan Lee", job_title="Employer Support Adviser", phone="020 7946 0102"
    )
    org = make_organisation("employer", support_contact=contact, deputy_contact=deputy)
    return org, contact, deputy


def test_contact_handles_enquiries_when_in(app):
    org, contact, deputy = _employer_with_contacts()
    cover = support_cover(org, WEDNESDAY_10AM)
    assert cover.handler is contact
    assert cover.is_open_now and not cover.deputy_covering


def test_deputy_covers_during_an_absence(app):
    org, contact, deputy = _employer_with_contacts()
    add_absence(contact, date(2026, 11, 24), date(2026, 11, 27), "Annual leave")
    cover = support_cover(org, WEDNESDAY_10AM)
    assert cover.handler is deputy
    assert cover.deputy_covering
    assert cover.contact_away_until == date(2026, 11, 27)
    # The day after the absence the contact is back.
    assert support_cover(org, datetime(2026, 11, 30, 10, tzinfo=UTC)).handler is contact


def test_contact_stays_handler_when_the_deputy_is_away_too(app):
    org, contact, deputy = _employer_with_contacts()
    add_absence(contact, date(2026, 11, 25), date(2026, 11, 25))
    add_absence(deputy, date(2026, 11, 25), date(2026, 11, 25))
    assert support_cover(org, WEDNESDAY_10AM).handler is contact


def test_dashboard_shows_the_contact_and_availability(signed_in_as):
    org, contact, deputy = _employer_with_contacts()
    db.session.commit()
    with time_machine.travel(WEDNESDAY_10AM, tick=False):
        client, _user = signed_in_as("employer", organisation=org)
        page = client.get("/employer/").get_data(as_text=True)
    assert "Sam Patel" in page and "Employer Support Manager" in page
    assert "020 7946 0101" in page
    assert "Yes, until 5pm today." in page
    assert "Jordan Lee (Employer Support Adviser) looks after your account" in page
    # Sessions end after two idle hours, so the evening visit signs in afresh.
    with time_machine.travel(WEDNESDAY_7PM, tick=False):
        client, _user = signed_in_as("employer", organisation=org)
        page = client.get("/employer/").get_data(as_text=True)
    assert "back at 9am on Thursday 26 November" in page


def test_dashboard_names_the_deputy_during_an_absence(signed_in_as):
    org, contact, deputy = _employer_with_contacts()
    add_absence(contact, date(2026, 11, 23), date(2026, 11, 27))
    db.session.commit()
    with time_machine.travel(WEDNESDAY_10AM, tick=False):
        client, _user = signed_in_as("employer", organisation=org)
        page = client.get("/employer/").get_data(as_text=True)
    assert "Sam is away until Friday 27 November." in page
    assert "Jordan Lee is covering" in page


def test_staff_record_and_remove_their_absence(signed_in_as):
    with time_machine.travel(WEDNESDAY_10AM, tick=False):
        client, user = signed_in_as("staff")
        response = client.post(
            "/staff/absence",
            data={"starts_on": "2026-12-21", "ends_on": "2026-12-18", "note": "Leave"},
        )
        page = response.get_data(as_text=True)
        assert "The last day away must be on or after the first day." in page
        assert 'value="Leave"' in page
        response = client.post(
            "/staff/absence",
            data={"starts_on": "2026-12-18", "ends_on": "2026-12-21", "note": "Leave"},
        )
        assert response.status_code == 302
        page = client.get("/staff/absence").get_data(as_text=True)
    assert "Friday 18 December 2026" in page


def test_staff_cannot_remove_someone_elses_absence(signed_in_as):
    other = make_user("staff")
    absence = add_absence(other, date(2026, 12, 1), date(2026, 12, 2))
    db.session.commit()
    client, _user = signed_in_as("staff")
    assert client.post(f"/staff/absence/{absence.id}/end").status_code == 404
