"""Service notices: published by administrators, shown on every page and on affected open
requests, kept in a public list with their history and a feed (issue 17)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from xml.etree import ElementTree

import time_machine
from sqlalchemy import select

from portal.extensions import db
from portal.notices import services
from portal.notices.models import ServiceNotice
from portal.requests import services as request_services
from portal.settings.models import CalendarDay
from portal.settings.services import get_calendar

# Monday 30 November 2026, 10:00 GMT.
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)

STRIKE = {
    "kind": "postal", "title": "Postal strike",
    "effect": "Certificates posted this week may arrive up to 5 working days later.",
    "starts": "2026-11-30T08:00", "ends": "2026-12-05T17:00", "promises": ["certificate"],
}


@time_machine.travel(NOW, tick=False)
def test_an_admin_publishes_a_notice_and_every_page_shows_it(signed_in_as, client):
    admin, _ = signed_in_as("admin")
    response = admin.post("/admin/notices", data=STRIKE)
    assert response.status_code == 302
    notice = db.session.scalars(select(ServiceNotice)).one()
    assert notice.starts_at == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # London = GMT now
    for page in ("/", "/charter", "/account/sign-in", "/service-notices"):
        html = client.get(page).get_data(as_text=True)
        assert "Postal strike" in html, page
        assert "may arrive up to 5 working days later" in html
    # After it ends, the banner goes; the notice stays in the public history.
    with time_machine.travel(datetime(2026, 12, 6, 9, tzinfo=UTC), tick=False):
        assert "Postal strike" not in client.get("/").get_data(as_text=True)
        listing = client.get("/service-notices").get_data(as_text=True)
        assert "Past notices" in listing and "Postal strike" in listing


@time_machine.travel(NOW, tick=False)
def test_the_form_keeps_what_was_typed_and_says_what_is_wrong(signed_in_as):
    admin, _ = signed_in_as("admin")
    bad = dict(STRIKE, ends="2026-11-29T08:00", title="Postal strike here")
    html = admin.post("/admin/notices", data=bad).get_data(as_text=True)
    assert "There is a problem" in html and "The end must be after the start." in html
    assert 'value="Postal strike here"' in html
    html = admin.post("/admin/notices", data=dict(STRIKE, starts="soon")).get_data(as_text=True)
    assert "Enter a date and time" in html
    odd = admin.post("/admin/notices", data=dict(STRIKE, promises=["nothing"]))
    assert odd.status_code == 200 and "Choose promises from the list." in odd.get_data(
        as_text=True)
    assert admin.post("/admin/notices/12345", data={"body": "x"}).status_code == 404
    assert db.session.scalars(select(ServiceNotice)).all() == []


@time_machine.travel(NOW, tick=False)
def test_a_closure_notice_closes_the_office_in_the_same_step(signed_in_as, client):
    admin, _ = signed_in_as("admin")
    closure = {"kind": "closure", "title": "Office closed for a power upgrade",
               "effect": "We will not answer the phone on Friday 4 December.",
               "starts": "2026-12-04T00:00", "ends": "2026-12-05T00:00",
               "promises": ["query", "callback"], "closure_day": "2026-12-04"}
    assert admin.post("/admin/notices", data=closure).status_code == 302
    day = db.session.scalars(select(CalendarDay)).one()
    assert (day.day, day.kind) == (date(2026, 12, 4), "closure")
    assert not get_calendar().is_working_day(date(2026, 12, 4))
    page = client.get("/service-notices").get_data(as_text=True)
    assert "Dates we have already given you for requests stay the same" in page
    # A closure on a day that is already not a working day is refused, and nothing is kept.
    again = dict(closure, closure_day="2026-12-05", title="Saturday")
    html = admin.post("/admin/notices", data=again).get_data(as_text=True)
    assert "is not a working day" in html
    assert db.session.scalars(select(ServiceNotice.title)).all() == [closure["title"]]


@time_machine.travel(NOW, tick=False)
def test_an_affected_open_request_shows_the_notice(signed_in_as):
    client, member = signed_in_as("member")
    services.publish_notice(services.NoticeDraft(
        kind="outage", title="Email delays", effect="Our replies may take a day longer.",
        promises=["query"], starts_at=NOW, ends_at=None))
    query = request_services.submit_request("query", requester=member, subject="Q",
                                            body="A question").request
    feedback = request_services.submit_request("feedback", requester=member, subject="F",
                                               body="Some feedback").request
    db.session.commit()
    html = client.get(f"/member/requests/{query.reference}").get_data(as_text=True)
    assert "This may affect your request" in html and "Our replies may take a day longer." in html
    html = client.get(f"/member/requests/{feedback.reference}").get_data(as_text=True)
    assert "This may affect your request" not in html
    assert "Email delays" in html  # the site-wide banner still shows


@time_machine.travel(NOW, tick=False)
def test_updates_are_history_and_the_feed_carries_them(signed_in_as, client):
    admin, _ = signed_in_as("admin")
    notice = services.publish_notice(services.NoticeDraft(
        kind="maintenance", title="Portal <maintenance>", effect="Sign-in unavailable 1 hour.",
        promises=[], starts_at=NOW, ends_at=datetime(2026, 11, 30, 12, tzinfo=UTC)))
    db.session.commit()
    response = admin.post(f"/admin/notices/{notice.id}",
                          data={"body": "Finished early.", "end_now": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ServiceNotice, notice.id).ends_at == NOW + timedelta(seconds=1)
    page = client.get(f"/service-notices/{notice.id}").get_data(as_text=True)
    assert "Finished early." in page and "Portal &lt;maintenance&gt;" in page
    feed = client.get("/service-notices.atom")
    assert feed.mimetype == "application/atom+xml"
    root = ElementTree.fromstring(feed.data)  # noqa: S314 - our own feed, in a test
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry = root.find("a:entry", ns)
    assert entry.find("a:title", ns).text == "Planned maintenance: Portal <maintenance>"
    assert "Finished early." in entry.find("a:summary", ns).text
    assert client.get("/service-notices/999").status_code == 404
