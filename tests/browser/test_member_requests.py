"""Journeys through requests in Chromium: a member's complaint and a visitor's question.

Both check the promised date on screen is the engine's, and that a change made by staff
(through the same services the staff console will call, against the live server's database)
appears within 5 seconds without a reload.
"""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import User
from portal.charter import promise_due
from portal.demo import DEMO_PASSWORD
from portal.extensions import db
from portal.requests import services
from portal.requests.models import ServiceRequest
from portal.settings.services import current_promises, get_calendar

LIVE_WITHIN_MS = 5000


def _staff_does(live_server, reference: str, action) -> None:
    """Run a staff change in the live server's database, as the staff console will."""
    with live_server.app.app_context():
        staff = db.session.scalar(select(User).where(User.email == "support@demo.test"))
        request = db.session.scalar(
            select(ServiceRequest).where(ServiceRequest.reference == reference)
        )
        action(request, staff)
        db.session.commit()
        db.session.remove()


def _engine_sentence(live_server, reference: str) -> str:
    """The due sentence computed afresh by the charter engine from the stored receipt."""
    with live_server.app.app_context():
        request = db.session.scalar(
            select(ServiceRequest).where(ServiceRequest.reference == reference)
        )
        due = promise_due(request.promise_code, request.received_at, get_calendar(),
                          current_promises())
        assert due.due == request.response_due_at
        sentence = due.explanation
        db.session.remove()
        return sentence


def _loaded(check_accessible):
    """check_accessible once the page (and its stylesheet) has finished loading."""

    def _check(page) -> None:
        page.wait_for_load_state("load")
        check_accessible(page)

    return _check


def _mark_page(page) -> None:
    # A reload or navigation would lose this; the live update must not. Wait for the page a
    # click led to, or the mark could land on the old document as it goes.
    page.wait_for_load_state("load")
    page.evaluate("document.body.dataset.noReload = 'yes'")


def _not_reloaded(page) -> bool:
    return page.evaluate("document.body.dataset.noReload") == "yes"


def test_member_complaint_journey(page, live_server, check_accessible, check_html):
    check_accessible = _loaded(check_accessible)
    page.goto("/account/sign-in")
    page.get_by_label("Email address").fill("member@demo.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/member/")
    expect(page.get_by_text("We are waiting for your reply.")).to_be_visible()
    check_accessible(page)

    page.get_by_role("link", name="Make a new request").click()
    check_accessible(page)
    page.get_by_role("link", name="Make a complaint").click()
    page.get_by_label("What is your complaint about?").fill("Certificate shows the wrong grade")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_contain_text("Tell us what happened.")
    expect(page.get_by_label("What is your complaint about?")).to_have_value(
        "Certificate shows the wrong grade"
    )
    check_accessible(page)

    page.get_by_label("What happened").fill("My new certificate says Associate, not Member.")
    page.get_by_label("What would you like us to do to put it right?").fill("Reissue it.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="We have your complaint")).to_be_visible()
    reference = page.locator(".panel-confirm strong").inner_text()
    shown = page.get_by_test_id("promise-due").inner_text()
    engine = _engine_sentence(live_server, reference)
    assert shown == engine, (shown, engine)
    check_accessible(page)

    page.get_by_role("link", name="See your request").click()
    expect(page.get_by_test_id("status")).to_have_text("Received")
    check_accessible(page)
    page.get_by_label("Your message").fill("The certificate number is 88123.")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("Your message has been sent.")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("With our team")

    _mark_page(page)
    resolve_by = get_calendar_date(live_server, 5)
    _staff_does(live_server, reference, lambda r, staff: services.staff_reply(
        r, staff, "Sorry about that. We are reprinting it now.", resolution_date=resolve_by))
    expect(page.get_by_test_id("status")).to_have_text("Answered", timeout=LIVE_WITHIN_MS)
    expect(page.get_by_text("We are reprinting it now.")).to_be_visible()
    expect(page.get_by_test_id("resolution-date")).to_be_visible()
    expect(page.locator("#live-announce")).to_contain_text("This page has been updated.")
    assert _not_reloaded(page)
    check_accessible(page)

    page.get_by_role("button", name="Accept this date").click()
    expect(page.get_by_text("you have accepted the date")).to_be_visible()
    expect(page.get_by_text("Agreed date to resolve")).to_be_visible()

    # The dashboard follows staff changes too.
    page.get_by_role("link", name="Back to your dashboard").click()
    _mark_page(page)
    _staff_does(live_server, reference, lambda r, staff: services.wait_for_customer(
        r, staff, "Which address should we post it to?"))
    card = page.locator(".request-list li", has_text=reference)
    expect(card.locator(".status")).to_have_text("Waiting for your reply", timeout=LIVE_WITHIN_MS)
    assert _not_reloaded(page)
    check_accessible(page)
    check_html()


def get_calendar_date(live_server, working_days: int) -> date:
    with live_server.app.app_context():
        cal = get_calendar()
        day = cal.add_working_days(cal.to_london(services.utcnow()).date(), working_days)
        db.session.remove()
        return day


def test_visitor_private_link_journey(page, live_server, check_accessible, check_html):
    check_accessible = _loaded(check_accessible)
    page.goto("/contact")
    check_accessible(page)
    page.get_by_role("link", name="Ask a question").click()
    page.get_by_label("Your name").fill("Vera Visitor")
    page.get_by_label("Email address").fill("vera@example.test")
    page.get_by_label("Subject").fill("Exam dates")
    page.get_by_label("Your question").fill("When is the next sitting of the Level 3 exam?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="We have your question")).to_be_visible()
    reference = page.locator(".panel-confirm strong").inner_text()
    assert page.get_by_test_id("promise-due").inner_text() == _engine_sentence(
        live_server, reference
    )
    check_accessible(page)

    with live_server.app.app_context():
        from tests.conftest import outbox_links

        link = next(url for url in outbox_links("vera@example.test") if "/r/" in url)
    page.goto(link)
    expect(page.get_by_test_id("status")).to_have_text("Received")
    check_accessible(page)
    page.get_by_label("Your message").fill("Any date in March would suit me.")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("Your message has been sent.")).to_be_visible()

    _mark_page(page)
    _staff_does(live_server, reference, lambda r, staff: services.staff_reply(
        r, staff, "The next sitting is on 12 March.", resolves=True))
    expect(page.get_by_test_id("status")).to_have_text("Resolved", timeout=LIVE_WITHIN_MS)
    expect(page.get_by_text("The next sitting is on 12 March.")).to_be_visible()
    assert _not_reloaded(page)
    check_accessible(page)

    page.get_by_label("5, very good").check()
    page.get_by_role("button", name="Send rating").click()
    expect(page.get_by_text("You rated our service 5 out of 5")).to_be_visible()
    check_accessible(page)
    check_html()
