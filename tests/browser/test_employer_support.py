"""An employer contact sends a same-day support request: it reaches the dedicated contact,
or the deputy while the contact is away, and the contact's reply shows up live."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.absences import add_absence
from portal.accounts.models import User
from portal.clock import london_today
from portal.demo import DEMO_PASSWORD
from portal.extensions import db
from portal.requests import services
from portal.requests.models import ServiceRequest


def _sign_in(page, email: str) -> None:
    page.goto("/account/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/employer/")


def _send_request(page, subject: str) -> str:
    page.get_by_role("link", name="Contact your support person").click()
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("How can we help?").fill("Twelve learners cannot sign in to the platform.")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/sent")
    return page.locator("strong").filter(has_text="E-").first.inner_text()


def _request(live_server, reference: str):
    with live_server.app.app_context():
        found = db.session.scalar(
            select(ServiceRequest).where(ServiceRequest.reference == reference)
        )
        result = (found.assignee.email, found.response_due_at, found.kind)
        db.session.remove()
        return result


def test_same_day_request_reaches_the_contact_then_the_deputy(
    page, live_server, check_accessible, check_html
):
    _sign_in(page, "employer@demo.test")
    check_accessible(page)
    assert "Your dedicated support contact" in page.content()
    reference = _send_request(page, "Learner accounts locked")
    check_accessible(page)
    assignee, due, kind = _request(live_server, reference)
    assert kind == "employer-support"
    assert assignee == "support@demo.test"

    # The contact replies; the employer's open request page shows it without a reload.
    page.get_by_role("link", name="See your request").click()
    with live_server.app.app_context():
        staff = db.session.scalar(select(User).where(User.email == "support@demo.test"))
        made = db.session.scalar(
            select(ServiceRequest).where(ServiceRequest.reference == reference)
        )
        services.staff_reply(made, staff, "I have unlocked all twelve accounts.")
        db.session.commit()
        db.session.remove()
    expect(page.get_by_text("I have unlocked all twelve accounts.")).to_be_visible(timeout=5000)
    check_accessible(page)

    # While Sam is away, Jordan (the deputy) covers and the dashboard says so.
    with live_server.app.app_context():
        staff = db.session.scalar(select(User).where(User.email == "support@demo.test"))
        add_absence(staff, london_today() - timedelta(days=1), london_today() + timedelta(days=3))
        db.session.commit()
        db.session.remove()
    page.goto("/employer/")
    assert "Jordan Lee is covering" in page.content()
    check_accessible(page)
    second = _send_request(page, "Report export fails")
    assignee, _due, _kind = _request(live_server, second)
    assert assignee == "deputy@demo.test"
    page.goto("/employer/requests")
    assert reference in page.content() and second in page.content()
    check_accessible(page)
    check_html()
