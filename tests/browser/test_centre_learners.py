"""A centre runs its learners here (issue 20): an administrator invites a colleague; the
colleague registers three learners from a file (one comes back with its reason), claims two,
and watches the sign-off date and the certificate's posting promise appear without a reload
when staff sign off; a visitor checks the e-certificate. Every page at 320 and 1280 px."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.helpers import sign_in

NEW_PASSWORD = "lantern-orchard-copper-57"
WIDTHS = (320, 1280)


def _check(page, check_accessible) -> None:
    """Axe at both widths, and no sideways scroll at either."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        check_accessible(page)
        wide = page.evaluate(
            "Array.from(document.querySelectorAll('body *')).filter("
            "e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
            ".map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 5)"
        )
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        ), f"sideways scroll at {width}px on {page.url}: {wide}"
    page.set_viewport_size({"width": 1280, "height": 900})


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/")


def test_colleague_registers_claims_and_sees_sign_off_live(page, live_server, check_accessible,
                                                            check_html):
    # An administrator invites a colleague.
    sign_in(page, "centre@demo.test")
    page.get_by_role("link", name=re.compile("^Colleagues")).click()
    _check(page, check_accessible)
    page.get_by_label("Full name").fill("Cara Colleague")
    page.get_by_label("Their work email address").fill("cara@riverside.demo.test")
    page.get_by_label("Administrator").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to cara@riverside.demo.test")).to_be_visible()
    _check(page, check_accessible)
    _sign_out(page)

    # The colleague confirms their address and chooses a password from the email.
    with live_server.app.app_context():
        from tests.conftest import outbox_links

        link = next(url for url in outbox_links("cara@riverside.demo.test") if "reset" in url)
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set new password").click()
    sign_in(page, "cara@riverside.demo.test", NEW_PASSWORD)
    page.wait_for_url("**/centre/")

    # Three learners from a file; one comes back with its reason.
    page.get_by_role("link", name="Register learners from a spreadsheet (CSV)").click()
    _check(page, check_accessible)
    csv = ("learner_name,learner_email_or_identifier,qualification_code,start_date\n"
           "Orla Browne,OB-2026-01,CSC-301,2026-09-01\n"
           "Pavel Nowak,PN-2026-02,CSC-301,2026-09-01\n"
           "Quinn Reyes,QR-2026-03,XXX-999,2026-09-01\n")
    page.get_by_label("CSV file of learners to register").set_input_files(
        files=[{"name": "learners.csv", "mimeType": "text/csv", "buffer": csv.encode()}])
    page.get_by_role("button", name="Upload and check").click()
    summary = page.get_by_role("region", name="What happened to your file").inner_text()
    assert "2 learners added." in summary
    report = page.get_by_role("table", name="Rows we could not use").inner_text()
    assert "There is no qualification with the code XXX-999" in report
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the rows we could not use")).click()
    rejects = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Quinn Reyes" in rejects and "reason" in rejects.splitlines()[0]
    _check(page, check_accessible)

    # Claim both learners.
    for name in ("Orla Browne", "Pavel Nowak"):
        page.goto("/centre/registered")
        page.get_by_role("link", name=name).click()
        page.get_by_label("The full certificate").check()
        page.get_by_label("Date assessment was completed").fill("2026-11-20")
        page.get_by_label("Assessment is fully signed off for this learner").check()
        page.get_by_role("button", name="Claim certificate").click()
        expect(page.get_by_text("Our check: due by")).to_be_visible()
    _check(page, check_accessible)
    learner_url = page.url

    # Staff sign both off in another browser while Pavel's page stays open.
    staff_context = page.context.browser.new_context(base_url=live_server.url)
    staff = staff_context.new_page()
    sign_in(staff, "centres.team@demo.test")
    staff.goto("/staff/centres/certificates?status=recorded")
    expect(staff.get_by_role("columnheader", name="Our check due by")).to_be_visible()
    staff.get_by_label("Select Orla Browne").check()
    staff.get_by_label("Select Pavel Nowak").check()
    staff.get_by_label("With the selected").select_option("sign_off")
    staff.get_by_role("button", name="Apply to selected").click()
    assert "2 certificates signed off." in staff.content()
    staff_context.close()

    # The one live script swaps the stages in from the page itself (no reload).
    expect(page.locator("#stages-live")).to_contain_text("Signed off by us on", timeout=10_000)
    expect(page.locator("#stages-live")).to_contain_text("Certificate posted by")
    assert page.url == learner_url
    _check(page, check_accessible)
    page.reload()
    expect(page.get_by_role("link", name="Download the e-certificate (PDF)")).to_be_visible()

    # A visitor checks the e-certificate by its code.
    with live_server.app.app_context():
        from portal.certificates.models import CertificateCode, Completion
        from portal.extensions import db

        code = db.session.scalar(
            select(CertificateCode.code).join(Completion)
            .where(Completion.learner_ref == "PN-2026-02"))
    visitor = page.context.browser.new_context(base_url=live_server.url).new_page()
    visitor.goto("/verify/certificate")
    _check(visitor, check_accessible)
    visitor.get_by_label("Verification code").fill(code.lower())
    visitor.get_by_role("button", name="Check certificate").click()
    expect(visitor.get_by_role("heading", name="This certificate is genuine")).to_be_visible()
    assert "Pavel Nowak" in visitor.content()
    _check(visitor, check_accessible)
    visitor.context.close()
    check_html()
