"""Each demo account signs in through the real form and lands on its own dashboard."""

import pyotp
import pytest

from portal.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

DASHBOARDS = [
    ("member@demo.test", "/member/", "Your membership"),
    ("applicant@demo.test", "/member/", "Your membership application"),
    ("employer@demo.test", "/employer/", "Your dedicated support contact"),
    ("centre@demo.test", "/centre/", "Centre number"),
    ("support@demo.test", "/staff/", "Staff console"),
    ("admin@demo.test", "/admin/", "Administration"),
]


@pytest.mark.parametrize(("email", "path", "text"), DASHBOARDS)
def test_sign_in_journey(page, live_server, check_accessible, check_html, email, path, text):
    page.goto("/")
    check_accessible(page)
    page.get_by_role("link", name="Sign in").first.click()
    check_accessible(page)

    # A wrong password first: the error summary appears and the email is kept.
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Email address").input_value() == email
    assert page.get_by_label("Password").input_value() == ""
    check_accessible(page)

    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if path in ("/staff/", "/admin/"):
        # Staff and administrators give a code from their authenticator app as well.
        page.wait_for_url("**/account/two-step")
        check_accessible(page)
        page.get_by_label("Code from your authenticator app").fill(
            pyotp.TOTP(DEMO_TOTP_SECRET).now()
        )
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**{path}")
    assert text in page.content()
    check_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/")
    assert "You have signed out." in page.content()
    check_html()


def test_registration_journey(page, live_server, check_accessible, check_html):
    page.goto("/account/register")
    page.get_by_role("button", name="Create account").click()
    assert "There is a problem" in page.content()
    check_accessible(page)
    page.get_by_label("Full name").fill("Rosa Parks")
    page.get_by_label("Email address").fill("rosa@example.test")
    page.get_by_label("Create a password").fill("montgomery-bus-1955")
    page.get_by_label("Type the password again").fill("montgomery-bus-1955")
    page.get_by_role("button", name="Create account").click()
    assert "Check your email" in page.content()
    check_accessible(page)

    with live_server.app.app_context():
        from tests.conftest import outbox_links

        link = outbox_links("rosa@example.test")[0]
    page.goto(link)
    page.get_by_role("button", name="Confirm my email address").click()
    assert "your email address is confirmed" in page.content()
    page.get_by_label("Email address").fill("rosa@example.test")
    page.get_by_label("Password").fill("montgomery-bus-1955")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/member/")
    check_accessible(page)
    check_html()
