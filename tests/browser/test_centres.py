"""Learning centres in a real browser: a draft application to approval, and a CSV upload
(with a bad row) to a posted certificate showing its arrival window (issue 6)."""

from __future__ import annotations

import re

from tests.browser.helpers import sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"






def sign_in_staff(page, email: str = "centres.team@demo.test") -> None:
    sign_in(page, email)
    page.wait_for_url("**/staff/")


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/")


def test_draft_application_to_approval(page, live_server, check_accessible, check_html):
    sign_in(page, "newcentre@demo.test")
    page.wait_for_url("**/centre/")
    check_accessible(page)
    page.get_by_role("link", name="Continue your application").click()
    assert "Draft: not sent yet" in page.content()
    check_accessible(page)

    # Contacts: save half-done and leave.
    page.get_by_role("link", name="Contacts").click()
    check_accessible(page)
    page.get_by_label("Quality nominee: full name").fill("Priya Nair")
    page.get_by_role("button", name="Save and come back later").click()
    assert "Your answers are saved" in page.content()
    sign_out(page)

    # Come back later and carry on where we left off.
    sign_in(page, "newcentre@demo.test")
    page.get_by_role("link", name="Continue your application").click()
    page.get_by_role("link", name="Contacts").click()
    assert page.get_by_label("Quality nominee: full name").input_value() == "Priya Nair"
    page.get_by_role("button", name="Save and continue").click()
    assert "There is a problem" in page.content()  # the nominee's email is still missing
    check_accessible(page)
    page.get_by_label("Quality nominee: email address").fill("priya@coastalskills.demo.test")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/step/qualifications")
    check_accessible(page)
    page.get_by_label("Diploma in Customer Service").check()
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/step/quality")
    page.get_by_label("Lead internal quality assurer: full name").fill("Priya Nair")
    page.get_by_label("How many qualified assessors you have").fill("4")
    page.get_by_label("How you quality-assure assessment").fill("Termly sampling.")
    page.get_by_label("How you standardise assessors' decisions").fill("Monthly meetings.")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/application/documents")
    check_accessible(page)
    page.get_by_label("What the document is").fill("Quality assurance policy")
    page.get_by_label("Choose a file").set_input_files(
        files=[{"name": "qa-policy.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Upload document").click()
    assert "is uploaded" in page.content()
    page.get_by_role("link", name="Continue to check and send").click()
    page.get_by_label("I confirm the information in this application is correct").check()
    page.get_by_role("button", name="Send the application").click()
    assert "Your application is sent" in page.content()
    assert "With our team" in page.content()
    assert "We will decide by" in page.content()
    reference = re.search(r"CA-\d{5}", page.content()).group(0)
    check_accessible(page)

    # Staff decide in another browser while the centre's page stays open.
    staff_context = page.context.browser.new_context(base_url=live_server.url)
    staff = staff_context.new_page()
    sign_in_staff(staff)
    staff.get_by_role("link", name="Centre approval applications").click()
    check_accessible(staff)
    staff.get_by_role("link", name=reference).click()
    check_accessible(staff)
    staff.get_by_role("button", name="Approve and issue a centre number").click()
    assert "Approved. Centre number C-" in staff.content()
    staff_context.close()

    # The centre's open page updates itself (polling with If-None-Match), no reload.
    status = page.get_by_test_id("application-status")
    status.filter(has_text="Approved").wait_for(timeout=5_000)  # issue 15: within 5 s
    # The message itself appears, not a request to reload (issue 15).
    assert "Your centre is approved" in page.locator("#application-live").inner_text()
    assert "Reload the page" not in page.content()
    check_accessible(page)
    sign_out(page)

    sign_in(page, "newcentre@demo.test")
    page.wait_for_url("**/centre/")
    assert "Approved centre" in page.content()
    assert re.search(r"C-3\d{4}", page.content())
    check_accessible(page)
    check_html()


def test_csv_upload_to_a_posted_certificate(page, live_server, check_accessible, check_html):
    sign_in(page, "centre@demo.test")
    page.get_by_role("link", name="Upload completions from a spreadsheet (CSV)").click()
    check_accessible(page)
    csv = (
        "learner_name,learner_email_or_identifier,qualification_code,completion_date,"
        "assessment_signed_off\n"
        "Winifred Browserton,WB-2026-01,CSC-301,2026-11-02,yes\n"
        "Bad Row,WB-2026-02,CSC-301,not a date,yes\n"
    )
    page.get_by_label("CSV file of completions").set_input_files(
        files=[{"name": "learners.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    page.get_by_role("button", name="Upload and check").click()
    report = page.get_by_role("table", name="Rows we could not use")
    assert report.get_by_role("row").nth(1).inner_text().startswith("3")
    assert "Enter the completion date" in report.inner_text()
    summary = page.get_by_role("region", name="What happened to your file").inner_text()
    assert "1 learner added." in summary
    check_accessible(page)
    sign_out(page)

    sign_in_staff(page)
    page.get_by_role("link", name="Completions and certificates").click()
    check_accessible(page)
    page.get_by_label("Select Winifred Browserton").check()
    page.get_by_label("With the selected").select_option("sign_off")
    page.get_by_role("button", name="Apply to selected").click()
    assert "1 certificate signed off." in page.content()
    page.get_by_role("link", name="Signed off: certificate being prepared").click()
    page.get_by_role("link", name="Winifred Browserton").click()
    check_accessible(page)
    page.get_by_role("button", name="Mark as printed").click()
    page.get_by_label("Postage class").select_option("uk-first")
    page.get_by_label("Tracking reference (optional)").fill("KF123456789GB")
    page.get_by_role("button", name="Record as posted").click()
    assert "Saved: posted." in page.content()
    check_accessible(page)
    sign_out(page)

    sign_in(page, "centre@demo.test")
    page.get_by_role("link", name="Follow your learners' certificates").click()
    check_accessible(page)
    # The demo's overdue certificate stands out in words, not only colour.
    page.get_by_label("Only overdue certificates").check()
    page.get_by_role("button", name="Apply filters").click()
    assert "Overdue" in page.get_by_role("table").inner_text()
    page.get_by_role("link", name="Clear filters").click()
    page.get_by_label("Search by name, email or identifier").fill("WB-2026-01")
    page.get_by_role("button", name="Apply filters").click()
    row = page.get_by_role("row", name=re.compile("Winifred Browserton"))
    assert "Posted" in row.inner_text()
    assert re.search(r"between \w+day \d+ \w+ and \w+day \d+ \w+", row.inner_text())
    check_accessible(page)
    page.get_by_role("link", name="Winifred Browserton").click()
    assert "KF123456789GB" in page.content()
    assert "Expected to arrive" in page.content()
    check_accessible(page)
    check_html()
