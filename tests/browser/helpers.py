"""Signing in through the real form, second step included, for every browser journey."""

from __future__ import annotations

import time

import pyotp

from portal.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET


def enter_two_step_code(page, secret: str = DEMO_TOTP_SECRET) -> None:
    """Type the authenticator code. A code works once, so if this account's current code was
    used a moment ago (another sign-in in the same 30 seconds), wait for the next one."""
    totp = pyotp.TOTP(secret)
    for _attempt in range(2):
        page.get_by_label("Code from your authenticator app").fill(totp.now())
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state("load")
        if "/account/two-step" not in page.url:
            return
        time.sleep(30.5 - time.time() % 30)
    raise AssertionError("the two-step code was refused twice")


def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in as ``email``; staff and admins give their two-step code too."""
    page.goto("/account/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    if "/account/two-step" in page.url:
        enter_two_step_code(page)
