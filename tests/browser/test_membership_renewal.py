"""Membership journeys in a real browser: renewing from the reminder email on the demo
provider, then downloading a certificate that a visitor verifies; at 320 and 1280 px."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.demo import DEMO_PASSWORD
from portal.extensions import db
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').trim().slice(0, 40))"""


def _no_sideways_scroll(page) -> None:
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, f"{page.url}: {page.evaluate(WIDE)}"


def _check(page, check_accessible) -> None:
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        check_accessible(page)
        _no_sideways_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def _reminder_link(app) -> str:
    with app.app_context():
        from portal.jobs.registry import JOBS
        from portal.jobs.runner import run_job
        from portal.notify.models import OutboxMessage

        run_job(app, "renewal-reminders", JOBS["renewal-reminders"].func)
        body = db.session.scalar(
            select(OutboxMessage.body_text).where(
                OutboxMessage.to_address == "member@demo.test",
                OutboxMessage.key.startswith("renewal:"),
            )
        )
        db.session.remove()
    return re.search(r"(https?://\S+/member/renew)\s", body).group(1)


def _renewal_date(app):
    with app.app_context():
        from portal.accounts.models import Membership, User

        found = db.session.scalar(
            select(Membership.renewal_date).join(User).where(User.email == "member@demo.test")
        )
        db.session.remove()
    return found


def test_a_member_renews_from_the_reminder_email_on_the_demo_provider(
    page, live_server, check_accessible, check_html
):
    app = live_server.app
    link = _reminder_link(app)
    old_date = _renewal_date(app)
    sign_in(page, "member@demo.test")
    page.goto(link.removeprefix(live_server.url))
    assert page.get_by_role("heading", name="Renew your membership").is_visible()
    _check(page, check_accessible)

    page.get_by_role("button", name="Continue to payment").click()  # nothing chosen yet
    assert page.get_by_role("alert").is_visible()
    _check(page, check_accessible)
    page.get_by_label("Demo payment (no money is taken)").check()
    page.get_by_label("My name, email address and grade above are right").check()
    page.get_by_role("button", name="Continue to payment").click()

    assert "no money is taken" in page.content()
    _check(page, check_accessible)
    page.get_by_role("button", name=re.compile(r"Pay £\d+\.\d\d \(demo\)")).click()

    page.get_by_text("Payment received: thank you").wait_for()
    new_date = _renewal_date(app)
    assert new_date == old_date.replace(year=old_date.year + 1)
    assert f"{new_date.day} " in page.content() and str(new_date.year) in page.content()
    assert "We have emailed your receipt" in page.content()
    _check(page, check_accessible)

    page.get_by_role("link", name="Back to your dashboard").click()
    assert new_date.strftime("%Y") in page.content()
    _check(page, check_accessible)
    page.get_by_role("link", name="Your payments, certificate and membership card").click()
    assert re.search(r"PAY-\d{6}</a>: £95\.00,\s+paid", page.content())
    _check(page, check_accessible)
    with app.app_context():
        from portal.notify.models import OutboxMessage

        receipt = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.key.startswith("payment-receipt:"))
        )
        assert receipt.to_address == "member@demo.test" and "£95.00" in receipt.body_text
        db.session.remove()
    check_html()


def test_a_member_downloads_a_certificate_and_a_visitor_verifies_it(
    page, browser, live_server, check_accessible, check_html
):
    sign_in(page, "member@demo.test")
    page.wait_for_url(re.compile(r".*/member/$"))
    page.get_by_role("link", name="Your payments, certificate and membership card").click()
    _check(page, check_accessible)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your certificate (PDF)").click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    link = re.search(r"https?://\S+/verify/membership/[\w-]+", page.content()).group(0)

    visitor = browser.new_context(base_url=live_server.url).new_page()
    visitor.goto(link.removeprefix(live_server.url))
    assert visitor.get_by_text("This membership is current").is_visible()
    assert "Priya" not in visitor.content() and "M0104417" not in visitor.content()
    _check(visitor, check_accessible)

    page.get_by_role("button", name="Stop this link working and make a new one").click()
    visitor.goto(link.removeprefix(live_server.url))
    assert "This verification link is not valid" in visitor.content()
    _check(visitor, check_accessible)
    visitor.context.close()
    check_html()


def test_membership_pages_of_every_role_are_accessible(
    page, browser, live_server, check_accessible, check_html
):
    """My details, every request, an application with its evidence, staff payments and
    renewal dates, and the administrators' membership settings, at 320 and 1280 px."""
    sign_in(page, "member@demo.test")
    for path in (
        "/member/details",
        "/member/my-requests",
        "/member/my-requests?q=zzz",
        "/member/renew",
    ):
        page.goto(path)
        _check(page, check_accessible)
    page.goto("/member/details")
    page.get_by_label("Full name").fill("")
    page.get_by_role("button", name="Save my details").click()
    assert page.get_by_role("alert").is_visible()
    _check(page, check_accessible)
    page.get_by_role("button", name="Sign out").click()

    # The demo applicant already has an application in progress (one at a time), so a new
    # applicant who has not applied yet chooses a grade here.
    with live_server.app.app_context():
        from datetime import date

        from portal.accounts.models import Membership
        from tests.factories import make_user

        make_user("member", email="new.applicant@demo.test", password=DEMO_PASSWORD,
                  membership=Membership(grade="member", status="applicant",
                                        joined_on=date(2026, 11, 1)))
        db.session.commit()
        db.session.remove()
    sign_in(page, "new.applicant@demo.test")
    page.goto("/member/requests/new/application")
    _check(page, check_accessible)
    page.get_by_role("link", name="Apply for Fellow").click()
    assert page.get_by_label("Two references").is_visible()
    page.get_by_label("Your experience and qualifications").fill("Twenty years.")
    page.get_by_role("button", name="Send").click()
    assert "Attach the evidence: Your CV." in page.content()
    _check(page, check_accessible)
    page.get_by_role("button", name="Sign out").click()

    with live_server.app.app_context():
        from portal.accounts.models import User
        from portal.payments.models import Payment

        member = db.session.scalar(select(User).where(User.email == "member@demo.test"))
        member_id = member.id
        db.session.add(
            Payment(
                membership_id=member.membership.id,
                user_id=member.id,
                provider="stripe",
                grade="member",
                amount_pence=9500,
                renewal_from=member.membership.renewal_date,
                submission_key="browser-review-1",
                status="paid",
                outcome="needs-review",
                review_reason="The member's grade changed after they started paying.",
            )
        )
        db.session.commit()
        db.session.remove()
    sign_in(page, "admin@demo.test")
    for path in (
        "/staff/payments",
        f"/staff/members/{member_id}/renewal-date",
        "/admin/membership-settings",
    ):
        page.goto(path)
        _check(page, check_accessible)
    page.goto(f"/staff/members/{member_id}/renewal-date")
    page.get_by_role("button", name="Change the renewal date").click()
    _check(page, check_accessible)
    check_html()
