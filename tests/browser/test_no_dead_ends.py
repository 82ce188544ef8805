"""Customers never hit a dead end (issue 15), in a real browser at desktop width and at
320 CSS px: a visitor reaches the contact form by clicking from the home page, and every
page that shows a customer a status shows a staff change within 5 seconds, no reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import User
from portal.certificates import services as completions
from portal.certificates.models import Completion
from portal.extensions import db
from portal.requests import services
from portal.requests.models import OPEN_STATUSES, ServiceRequest
from portal.staff.services import decide_membership
from tests.browser.helpers import sign_in

WIDTHS = [1280, 320]
LIVE_MS = 5000  # the bound: a staff change shows within 5 seconds


def _fits(page) -> None:
    """No sideways scroll: the document is no wider than the viewport."""
    wide = page.evaluate("document.documentElement.scrollWidth")
    width = page.evaluate("document.documentElement.clientWidth")
    assert wide <= width, f"{page.url} is {wide}px wide in a {width}px viewport"


def _as_staff(live_server, change) -> None:
    """Make a change the way staff would, in the server's own database, while the
    customer's page stays open."""
    with live_server.app.app_context():
        staff = db.session.scalar(select(User).where(User.email == "support@demo.test"))
        change(staff)
        db.session.commit()
        db.session.remove()


def _open_request(live_server) -> str:
    """An open request from the demo's queue."""
    with live_server.app.app_context():
        found = db.session.scalar(
            select(ServiceRequest.reference)
            .where(ServiceRequest.status.in_([s.value for s in OPEN_STATUSES]))
            .order_by(ServiceRequest.id)
        )
        db.session.remove()
        return found


@pytest.mark.parametrize("width", WIDTHS)
def test_a_visitor_reaches_the_contact_form_from_the_home_page(
    page, width, check_accessible, check_html
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/")
    _fits(page)
    check_accessible(page)
    page.get_by_role("main").get_by_role("link", name="Contact us").click()
    page.wait_for_url("**/contact")
    _fits(page)
    page.get_by_role("link", name="Ask a question").click()
    page.wait_for_url("**/contact/question")
    expect(page.get_by_label("Your name")).to_be_visible()
    # (The form's own reflow, its file input, is the lead's part of the issue.)
    check_accessible(page)
    # The footer names the organisation's phone, email and address (demo values).
    footer = page.locator("footer").inner_text()
    assert "0300 123 4567" in footer and "help@example.org" in footer
    check_html()


@pytest.mark.parametrize("width", WIDTHS)
def test_an_employers_dashboard_and_list_show_a_reply_live(
    page, live_server, width, check_accessible, check_html
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "employer@demo.test")
    page.wait_for_url("**/employer/")
    page.get_by_role("link", name="Contact your support person").click()
    page.get_by_label("Subject").fill("Reports will not open")
    page.get_by_label("How can we help?").fill("Every report shows a blank page.")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/sent")
    reference = page.locator("strong").filter(has_text="E-").first.inner_text()
    page.goto("/employer/")
    region = page.locator("#employer-requests-live")
    expect(region).to_contain_text(reference)

    def reply(staff):
        made = db.session.scalar(select(ServiceRequest).where(
            ServiceRequest.reference == reference))
        services.staff_reply(made, staff, "Fixed: please try again.")

    _as_staff(live_server, reply)
    expect(region.locator("li", has_text=reference)).to_contain_text(
        "Done at", timeout=LIVE_MS)
    check_accessible(page)

    page.goto("/employer/requests")
    listed = page.locator("#organisation-requests-live")
    expect(listed).to_contain_text(reference)

    def resolve(staff):
        made = db.session.scalar(select(ServiceRequest).where(
            ServiceRequest.reference == reference))
        services.resolve(made, staff, "Closing this one.")

    _as_staff(live_server, resolve)
    expect(listed.locator("li", has_text=reference)).to_contain_text("resolved", timeout=LIVE_MS)
    check_accessible(page)
    check_html()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_centres_pages_show_a_sign_off_live(
    page, live_server, width, check_accessible, check_html
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "centre@demo.test")
    page.wait_for_url("**/centre/")
    expect(page.get_by_role("link", name="Ask us about a process")).to_be_visible()
    expect(page.get_by_role("link", name="Your centre's requests")).to_be_visible()
    _fits(page)
    check_accessible(page)
    with live_server.app.app_context():
        centre = db.session.scalar(select(User).where(User.email == "centre@demo.test"))
        waiting = db.session.scalars(
            select(Completion).where(Completion.organisation_id == centre.organisation_id,
                                     Completion.status == "recorded").order_by(Completion.id)
        ).all()
        ids = [c.id for c in waiting[:3]]
        db.session.remove()
    assert len(ids) == 3, "the demo centre needs three completions waiting for our check"

    def sign_off(one: int):
        def change(staff):
            completions.sign_off([db.session.get(Completion, one)], staff)
        return change

    # The dashboard's figure, the tracker list and the learner's page each follow.
    figure = page.locator("#centre-dashboard-live dd a").first
    before = figure.inner_text()
    _as_staff(live_server, sign_off(ids[0]))
    expect(figure).not_to_have_text(before, timeout=LIVE_MS)
    figure.click()  # the figure leads to the same filter on the tracker
    page.wait_for_url("**/centre/learners?status=recorded")
    assert "There is a problem" not in page.content()
    check_accessible(page)

    page.goto(f"/centre/learners/{ids[1]}")
    status = page.locator("#learner-live")
    expect(status).to_contain_text("Waiting for our check")
    _as_staff(live_server, sign_off(ids[1]))
    expect(status).to_contain_text("Signed off", timeout=LIVE_MS)
    expect(status).to_contain_text("We will post it by")
    check_accessible(page)

    page.goto("/centre/learners?status=recorded")
    rows = page.locator("#learners-live")
    name = page.evaluate(f"fetch('/centre/learners/{ids[2]}').then(r => r.text())")
    learner = name.split("<h1>")[1].split("</h1>")[0]
    expect(rows).to_contain_text(learner)
    _as_staff(live_server, sign_off(ids[2]))
    expect(rows).not_to_contain_text(learner, timeout=LIVE_MS)
    page.goto("/centre/requests")
    check_accessible(page)
    check_html()


@pytest.mark.parametrize("width", WIDTHS)
def test_an_applicants_dashboard_shows_the_decision_live(
    page, live_server, width, check_accessible, check_html
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "applicant@demo.test")
    page.wait_for_url("**/member/")
    card = page.locator("#membership-live")
    expect(card).to_contain_text("Your membership application")
    assert "has not been decided yet" not in page.content()
    assert "(Applicant)" in page.locator("footer").inner_text()
    _fits(page)
    check_accessible(page)

    # A second application is refused, with a link to the one in progress.
    page.goto("/member/requests/new/application")
    expect(page.get_by_role("heading", name="You already have an application in progress"))\
        .to_be_visible()
    page.get_by_role("link", name="See your membership application").click()
    page.wait_for_url("**/member/requests/A-*")
    page.goto("/member/")

    def approve(staff):
        applicant = db.session.scalar(select(User).where(User.email == "applicant@demo.test"))
        pending = db.session.scalar(select(ServiceRequest).where(
            ServiceRequest.requester_id == applicant.id,
            ServiceRequest.kind == "membership-application"))
        decide_membership(pending, staff, True, "associate", "Welcome.")

    _as_staff(live_server, approve)
    expect(card).to_contain_text("Your membership", timeout=LIVE_MS)
    expect(card).to_contain_text("Associate Member")
    expect(card).to_contain_text("Active")
    check_accessible(page)
    check_html()


def test_staff_see_live_that_someone_else_changed_the_case(
    page, live_server, check_accessible, check_html
):
    sign_in(page, "support@demo.test")
    reference = _open_request(live_server)
    assert reference, "the demo needs an open request"
    page.goto(f"/staff/requests/{reference}")
    notice = page.get_by_test_id("changed-elsewhere")
    expect(notice).to_be_hidden()

    def note(staff):
        made = db.session.scalar(select(ServiceRequest).where(
            ServiceRequest.reference == reference))
        services.add_internal_note(made, staff, "Looked at this from the phone.")

    _as_staff(live_server, note)
    expect(notice).to_be_visible(timeout=LIVE_MS)
    expect(notice).to_contain_text("Someone else has just changed this request")
    check_accessible(page)
    check_html()


@pytest.mark.parametrize("width", WIDTHS)
def test_an_over_size_file_is_refused_on_the_form_with_the_text_kept(
    page, width, check_accessible
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/contact/complaint")
    page.get_by_label("Your name").fill("Vera Visitor")
    page.get_by_label("Email address").fill("vera@example.test")
    page.get_by_label("What is your complaint about?").fill("Lost certificate")
    page.get_by_label("What happened").fill("It never arrived.")
    page.get_by_label("What would you like us to do to put it right?").fill("Send another.")
    big = b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024)
    page.get_by_label("Attach files (optional)").set_input_files(
        files=[{"name": "scan.pdf", "mimeType": "application/pdf", "buffer": big}]
    )
    error = page.locator("#attachments-size-error")
    expect(error).to_contain_text("scan.pdf is 11")
    expect(error).to_contain_text("Each file must be 10 MB or smaller")
    page.get_by_role("button", name="Send").click()
    # Not sent: still on the form, with everything typed.
    assert page.url.endswith("/contact/complaint")
    expect(page.get_by_label("What happened")).to_have_value("It never arrived.")
    expect(page.get_by_label("Attach files (optional)")).to_be_focused()
    check_accessible(page)


def test_an_administrator_changes_the_footers_contact_details(page, check_accessible, check_html):
    sign_in(page, "admin@demo.test")
    page.goto("/admin/")
    page.get_by_role("link", name="Contact details shown on every page").click()
    check_accessible(page)
    page.get_by_label("Phone number").fill("0300 765 4321")
    page.get_by_label("Email address").fill("not an address")
    page.get_by_role("button", name="Save contact details").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_label("Phone number")).to_have_value("0300 765 4321")
    check_accessible(page)
    page.get_by_label("Email address").fill("members@example.org")
    page.get_by_role("button", name="Save contact details").click()
    expect(page.locator("footer")).to_contain_text("0300 765 4321")
    expect(page.locator("footer")).to_contain_text("members@example.org")
    check_html()
