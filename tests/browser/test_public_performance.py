"""A visitor checks how well the charter was kept, and sees a service notice (issue 17):
home page, footer link to last month's figures, the complaints section, the CSV download,
and the notice on the home page and on their own affected request. At 1280 and 320 px."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import expect

from portal.database import utcnow
from portal.extensions import db
from portal.notices.services import NoticeDraft, publish_notice
from portal.performance.services import publish_month
from portal.requests.services import submit_request
from portal.staff.public_figures import month_figures
from portal.staff.report import period_containing
from tests.performance.conftest import PUBLISH_AT, make_requests

OCTOBER = date(2026, 10, 1)


def _set_up(live_server) -> str:
    """October's figures published, a notice in force about questions, and a visitor's
    open question; returns the visitor's private link."""
    with live_server.app.app_context():
        make_requests()
        publish_month(OCTOBER, month_figures(period_containing("month", OCTOBER), PUBLISH_AT),
                      PUBLISH_AT)
        publish_notice(NoticeDraft(
            kind="outage", title="Email delays",
            effect="Replies to questions may take up to 1 working day longer this week.",
            promises=["query"], starts_at=utcnow() - timedelta(hours=1), ends_at=None))
        made = submit_request("query", name="Vera Visitor", email="vera@example.test",
                              subject="Where is my certificate?", body="Not arrived yet.")
        db.session.commit()
        token = made.private_token
        db.session.remove()
    return f"/r/{token}"


def _no_sideways_scroll(page) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth - "
                         "document.documentElement.clientWidth")
    culprits = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.textContent.slice(0, 60))""")
    assert wide <= 0, f"{page.url} scrolls sideways by {wide}px: {culprits}"


def test_visitor_reads_last_months_figures_and_sees_a_notice(
    page, live_server, check_accessible, check_html
):
    private_link = _set_up(live_server)
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/")
        banner = page.get_by_role("region", name="Service notices")
        expect(banner).to_contain_text("Email delays")
        expect(banner).to_contain_text("up to 1 working day longer")
        check_accessible(page)
        _no_sideways_scroll(page)

        page.get_by_role("link", name="How well we keep them").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "How well we keep our promises")
        complaints = page.get_by_role("heading", name="Complaints in October 2026")
        expect(complaints).to_be_visible()
        expect(page.locator("dl.stats")).to_contain_text("Complaints received")
        expect(page.locator("dl.stats")).to_contain_text("Resolved by the date we agreed")
        expect(page.get_by_role("img", name="Share of all promises met on time, by month")
               ).to_be_visible()
        check_accessible(page)
        _no_sideways_scroll(page)

        page.goto(private_link)
        notice = page.get_by_role("region", name="This may affect your request")
        expect(notice).to_contain_text("Email delays")
        check_accessible(page)
        _no_sideways_scroll(page)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/charter/performance")
    with page.expect_download() as info:
        page.get_by_role("link", name="October 2026 as CSV").click()
    download = info.value
    assert download.suggested_filename == "charter-performance-2026-10.csv"
    rows = list(csv.DictReader(io.StringIO(
        Path(download.path()).read_text(encoding="utf-8-sig"))))
    received = next(r for r in rows if r["section"] == "complaints"
                    and r["figure"] == "received")
    assert received["value"] or received["note"] == "fewer than 10"
    page.get_by_role("link", name="Service notices", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Service notices")
    check_accessible(page)
    check_html()


def test_admin_publishes_a_notice_and_staff_add_a_note(
    page, live_server, check_accessible, check_html
):
    """The pages behind the public ones: an administrator's notice form and a month's
    "You said, we did" note, clean at 1280 and 320 px."""
    from tests.browser.helpers import sign_in

    with live_server.app.app_context():
        publish_month(OCTOBER, month_figures(period_containing("month", OCTOBER), PUBLISH_AT),
                      PUBLISH_AT)
        db.session.commit()
        db.session.remove()
    sign_in(page, "admin@demo.test")
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/admin/notices")
        check_accessible(page)
        _no_sideways_scroll(page)
    page.get_by_label("Kind of notice").select_option("maintenance")
    page.get_by_label("Title").fill("Portal maintenance")
    page.get_by_label("Expected effect, in words").fill("You cannot sign in for an hour.")
    page.get_by_label("Starts").fill("2026-12-01T08:00")
    page.get_by_label("Ends (leave empty if not known yet)").fill("2026-12-01T07:00")
    page.get_by_role("button", name="Publish the notice").click()
    expect(page.get_by_role("alert")).to_contain_text("The end must be after the start.")
    expect(page.get_by_label("Title")).to_have_value("Portal maintenance")
    check_accessible(page)
    page.get_by_label("Ends (leave empty if not known yet)").fill("2026-12-01T09:00")
    page.get_by_role("button", name="Publish the notice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Portal maintenance")
    check_accessible(page)

    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/staff/published")
        check_accessible(page)
        _no_sideways_scroll(page)
    page.get_by_label("You said", exact=True).fill("Call backs came late in the day")
    page.get_by_label("We did", exact=True).fill("We ring back in the morning now")
    page.get_by_role("button", name="Add the note").click()
    expect(page.locator(".flash")).to_contain_text("Note added to October 2026")
    page.goto("/charter/performance")
    expect(page.get_by_role("heading", name="You said, we did")).to_be_visible()
    expect(page.locator("main")).to_contain_text("We ring back in the morning now")
    check_accessible(page)
    check_html()
