"""The security and personal-data pages meet WCAG 2.2 AA and are valid HTML."""

import pyotp

from portal.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET


def _sign_in(page, email, code=False):
    page.goto("/account/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if code:
        page.get_by_label("Code from your authenticator app").fill(
            pyotp.TOTP(DEMO_TOTP_SECRET).now()
        )
        page.get_by_role("button", name="Continue").click()


def test_member_security_and_data_pages(page, live_server, check_accessible, check_html):
    _sign_in(page, "member@demo.test")
    page.get_by_role("link", name="Security settings").click()
    assert "Where you are signed in" in page.content()
    check_accessible(page)
    page.get_by_role("link", name="Turn on two-step sign-in").click()
    assert page.get_by_role(
        "img", name="QR code for adding the Member Services Portal to an authenticator app"
    ).is_visible()
    check_accessible(page)
    page.get_by_role("link", name="Your data").click()
    check_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data").click()
    assert download.value.suggested_filename.startswith("my-data-")
    page.get_by_role("link", name="Ask us to erase your data").click()
    page.get_by_role("button", name="Ask us to erase my data").click()
    assert page.get_by_role("alert").is_visible()
    check_accessible(page)
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Ask us to erase my data").click()
    assert "We have your request" in page.content()
    check_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    _sign_in(page, "admin@demo.test", code=True)
    page.goto("/staff/erasure-requests")
    assert "Priya Sharma" in page.content()
    check_accessible(page)
    page.goto("/admin/audit?action=auth.sign_in")
    assert "Signed in" in page.content()
    check_accessible(page)
    check_html()
