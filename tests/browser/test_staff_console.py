"""Staff work the queue in Chromium while the member watches their request change live.

The at-risk complaint is made at real "now" (the live server has no frozen clock): its first
reply falls due two office hours from now, which is "at risk" whatever the time of day,
because office time stands still outside office hours. The state on screen is checked
against portal.charter.status for the same instant.
"""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import User
from portal.charter import add_office_seconds
from portal.charter import status as charter_status
from portal.extensions import db
from portal.requests import services
from portal.settings.services import get_calendar, office_settings
from portal.staff.queue import STATE_LABELS
from tests.browser.helpers import sign_in

LIVE_WITHIN_MS = 5000


def sign_in_at(page, email: str, lands_on: str) -> None:
    sign_in(page, email)
    page.wait_for_url(f"**{lands_on}")


def _at_risk_complaint(live_server) -> tuple[str, str]:
    """A member's complaint due two office hours from now; (reference, expected state)."""
    with live_server.app.app_context():
        member = db.session.scalar(select(User).where(User.email == "member@demo.test"))
        request = services.submit_request(
            "complaint", requester=member, subject="Exam certificate shows the wrong name",
            body="My certificate says Pria, not Priya.",
            details={"outcome_wanted": "A corrected certificate."},
        ).request
        cal = get_calendar()
        now = services.utcnow()
        request.response_due_at = add_office_seconds(now, 2 * 3600, cal)
        db.session.flush()
        state = charter_status(now, request.next_due_at, cal, office_settings().at_risk_hours)
        reference = request.reference
        db.session.commit()
        db.session.remove()
    return reference, state


def _resolve_by(live_server) -> date:
    with live_server.app.app_context():
        cal = get_calendar()
        day = cal.add_working_days(cal.to_london(services.utcnow()).date(), 5)
        db.session.remove()
        return day


def test_staff_take_an_at_risk_complaint_and_the_member_sees_each_change(
        browser, page, live_server, check_accessible, check_html):
    def accessible(p) -> None:
        p.wait_for_load_state("load")
        check_accessible(p)

    reference, state = _at_risk_complaint(live_server)
    assert state == "at_risk"

    # The member has their request open in another browser.
    member_context = browser.new_context(base_url=live_server.url)
    member = member_context.new_page()
    sign_in_at(member, "member@demo.test", "/member/")
    member.goto(f"/member/requests/{reference}")
    expect(member.get_by_test_id("status")).to_have_text("Received")
    member.evaluate("document.body.dataset.noReload = 'yes'")

    # Staff: home, then the at-risk queue.
    sign_in_at(page, "support@demo.test", "/staff/")
    accessible(page)
    page.get_by_role("link", name="at risk").first.click()
    page.wait_for_url("**/staff/queue?state=at_risk&team=all")
    row = page.locator(f"tr[data-reference='{reference}']")
    expect(row.get_by_test_id("state")).to_have_text(STATE_LABELS[state])
    accessible(page)
    row.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Exam certificate shows the wrong name")
    expect(page.get_by_test_id("state")).to_have_text("At risk")
    accessible(page)

    # Take it.
    page.get_by_label("Assigned to").select_option(label="Sam Patel")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.get_by_text("Assignment saved.")).to_be_visible()

    # A first reply to a complaint without a date is refused, with the text kept.
    page.get_by_label("Start from a reusable reply").select_option(label="Apology and date")
    expect(page.locator("#reply-body")).to_have_value(
        "I am sorry about what happened. I have looked into it and we will put it right by "
        "the date below. I will keep you updated at least every five working days.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("alert")).to_contain_text("must give a date")
    expect(page.locator("#reply-body")).to_have_value(
        "I am sorry about what happened. I have looked into it and we will put it right by "
        "the date below. I will keep you updated at least every five working days.")
    accessible(page)

    page.locator("#reply-resolution_date").fill(_resolve_by(live_server).isoformat())
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Reply sent to the customer.")).to_be_visible()
    expect(page.get_by_test_id("staff-status")).to_have_text("Answered")
    accessible(page)
    expect(member.get_by_test_id("status")).to_have_text("Answered", timeout=LIVE_WITHIN_MS)
    expect(member.get_by_test_id("resolution-date")).to_be_visible()
    expect(member.get_by_text("we will put it right by the date below")).to_be_visible()

    # Waiting for the customer pauses the date.
    page.get_by_label("What do you need from the customer?").fill(
        "Please send a photo of the certificate.")
    page.get_by_role("button", name="Ask and wait for the customer").click()
    expect(page.get_by_test_id("staff-status")).to_have_text("Waiting for the customer")
    expect(page.get_by_test_id("state")).to_have_text("Paused")
    accessible(page)
    expect(member.get_by_test_id("status")).to_have_text("Waiting for your reply",
                                                         timeout=LIVE_WITHIN_MS)

    page.get_by_role("button", name="Stop waiting and carry on").click()
    expect(page.get_by_test_id("staff-status")).to_have_text("With our team")
    accessible(page)
    expect(member.get_by_test_id("status")).to_have_text("With our team",
                                                         timeout=LIVE_WITHIN_MS)

    page.get_by_label("Message to the customer (optional)").fill(
        "A corrected certificate is in the post.")
    page.get_by_role("button", name="Mark as resolved").click()
    expect(page.get_by_test_id("staff-status")).to_have_text("Resolved")
    accessible(page)
    expect(member.get_by_test_id("status")).to_have_text("Resolved", timeout=LIVE_WITHIN_MS)
    expect(member.get_by_text("A corrected certificate is in the post.")).to_be_visible()
    assert member.evaluate("document.body.dataset.noReload") == "yes"
    check_accessible(member)
    member_context.close()

    # The other pages staff use on the way.
    for path in ("/staff/queue", "/staff/membership", "/staff/log", "/staff/replies"):
        page.goto(path)
        accessible(page)
    page.goto("/staff/log?q=priya")
    accessible(page)
    # An emailed request whose sender our mail server did not verify (issue #14) is marked.
    with live_server.app.app_context():
        unverified = services.submit_request(
            "query", subject="Cancel my membership", body="Please cancel it.",
            name="Priya Patel", email="member@demo.test", channel="email",
            details={"email_sender": "not verified"}, notify_customer=False,
        ).request.reference
        db.session.commit()
        db.session.remove()
    page.goto(f"/staff/requests/{unverified}")
    expect(page.get_by_text("Sender not verified")).to_be_visible()
    accessible(page)
    check_html()
