"""A new staff member sets up two-step sign-in at their first sign-in, then signs in with it."""

import re
import time

import pyotp

from portal.demo import DEMO_PASSWORD


def _new_staff_member(live_server) -> str:
    with live_server.app.app_context():
        from portal.accounts.models import User
        from portal.accounts.passwords import hash_password
        from portal.database import utcnow
        from portal.extensions import db

        db.session.add(
            User(
                email="new.starter@demo.test",
                full_name="Nia Starter",
                role="staff",
                password_hash=hash_password(DEMO_PASSWORD),
                email_verified_at=utcnow(),
            )
        )
        db.session.commit()
        db.session.remove()
    return "new.starter@demo.test"


def _password_step(page, email):
    page.goto("/account/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_staff_enrol_in_two_step_sign_in_and_use_it(
    page, live_server, check_accessible, check_html
):
    email = _new_staff_member(live_server)
    _password_step(page, email)
    page.wait_for_url("**/account/two-step/set-up")
    assert page.get_by_role("img", name=re.compile("QR code")).is_visible()
    check_accessible(page)
    secret = page.locator("#secret-key").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)

    # A wrong code first: the error summary appears.
    page.get_by_label("Code shown in your authenticator app").fill("000000")
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    assert page.get_by_role("alert").is_visible()
    check_accessible(page)

    used = totp.now()
    page.get_by_label("Code shown in your authenticator app").fill(used)
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    assert "Your recovery codes" in page.content()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    check_accessible(page)
    page.get_by_role("link", name="I have saved my codes, continue").click()
    page.wait_for_url("**/staff/")
    page.get_by_role("button", name="Sign out").click()

    # Next time: password, then a code from the app. The code used to enrol works only
    # once, so this waits for the app to show the next one (at most 30 seconds).
    _password_step(page, email)
    page.wait_for_url("**/account/two-step")
    check_accessible(page)
    page.get_by_label("Code from your authenticator app").fill(used)
    page.get_by_role("button", name="Continue").click()
    assert "That code is not right" in page.content()
    while totp.now() == used:
        time.sleep(0.5)
    page.get_by_label("Code from your authenticator app").fill(totp.now())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/staff/")
    check_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    # A recovery code works instead of the app, once.
    _password_step(page, email)
    page.get_by_label("Code from your authenticator app").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/staff/")
    assert "You used a recovery code" in page.content()

    page.goto("/account/security")
    assert "Two-step sign-in" in page.content()
    check_accessible(page)
    check_html()
