"""Quality visits, colleagues, amendments and appeals, sign-off routes and a replaced
e-certificate in a real browser (issue 20): every page at 320 and 1280 px, axe and HTML."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import sign_in
from tests.browser.test_centre_learners import _check, _sign_out


def test_quality_visit_both_sides(page, live_server, check_accessible, check_html):
    sign_in(page, "centres.team@demo.test")
    page.goto("/staff/centres/quality")
    _check(page, check_accessible)
    centre = page.get_by_label("Centre", exact=True)
    centre.select_option(label=centre.locator("option", has_text="Riverside College").inner_text())
    page.get_by_label("Date of the visit").fill("2026-11-02")
    page.get_by_label("Assessor").fill("Rae Khan")
    page.get_by_label("Satisfactory with actions").check()
    page.get_by_label("Action 1", exact=True).fill("Update the sampling plan")
    page.get_by_label("Action 1 due on").fill("2026-11-27")  # already past: overdue
    page.get_by_role("button", name="Record the visit").click()
    expect(page.get_by_text("Visit recorded.")).to_be_visible()
    expect(page.get_by_text("Overdue").first).to_be_visible()
    _check(page, check_accessible)
    page.goto("/staff/centres/sign-off")
    page.get_by_role("link", name=re.compile("Riverside")).click()
    _check(page, check_accessible)
    page.goto("/staff/centres/certificates?status=dispatched")
    page.locator("table a").first.click()
    page.get_by_label("Why it is being reissued").fill("Reprint after loss")
    page.get_by_role("button", name="Reissue the certificate").click()
    expect(page.get_by_text("Reissued with the new verification code")).to_be_visible()
    _check(page, check_accessible)
    _sign_out(page)

    sign_in(page, "centre@demo.test")
    page.get_by_role("link", name="Quality visits and their actions").click()
    expect(page.get_by_text("Overdue").first).to_be_visible()
    _check(page, check_accessible)
    page.get_by_label("What you did, and where we can see it").fill("New plan is on file.")
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_text("we will review it")).to_be_visible()
    _check(page, check_accessible)
    page.goto("/centre/requests/new/appeal")
    _check(page, check_accessible)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    _check(page, check_accessible)
    page.goto("/centre/requests/new/amendment")
    page.get_by_label("A wrong name on a certificate").check()
    page.get_by_label("Learner and certificate number").fill("Ann One, CERT-0000004")
    page.get_by_label("What is wrong, and what should it say?").fill("Anne, with an e.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("strong").filter(has_text="M-2026-")).to_be_visible()
    _check(page, check_accessible)
    for url in ("/centre/registered", "/centre/registered/new", "/centre/uploads/columns",
                "/centre/learners/upload", "/centre/colleagues"):
        page.goto(url)
        _check(page, check_accessible)
    _sign_out(page)

    sign_in(page, "employer@demo.test")
    page.get_by_role("link", name=re.compile("^Colleagues")).click()
    _check(page, check_accessible)
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    _check(page, check_accessible)

    with live_server.app.app_context():
        from sqlalchemy import select

        from portal.certificates.models import CertificateCode
        from portal.extensions import db

        old = db.session.scalar(select(CertificateCode.code).where(
            CertificateCode.superseded_at.is_not(None)))
    page.goto(f"/verify/certificate/{old}")
    expect(page.get_by_role("heading", name="This certificate has been replaced")).to_be_visible()
    _check(page, check_accessible)
    page.goto("/verify/certificate/AAAA-BBBB-CCCC")
    missing = page.get_by_role("heading", name="We have no certificate with that code")
    expect(missing).to_be_visible()
    _check(page, check_accessible)
    check_html()
