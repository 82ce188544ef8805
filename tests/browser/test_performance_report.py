"""A manager reads the charter performance report in Chromium (CHARTER.md section 7): switches
period, sees the chart and its table, follows the missed list, downloads the CSV."""

from __future__ import annotations

import csv
import io
from datetime import time, timedelta
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import delete

from portal.clock import london_today
from portal.extensions import db
from portal.requests.models import ServiceRequest
from portal.settings.services import current_policy, get_calendar
from portal.staff import report
from tests.browser.helpers import sign_in


def sign_in_as(page, email: str) -> None:
    sign_in(page, email)


def _last_month_history(live_server) -> tuple[report.Period, str]:
    """Three questions that fell due last month: two answered in time, one late."""
    last_month = report.period_containing("month", london_today()).shifted(-1)
    with live_server.app.app_context():
        # The demo seeds two months of history (issue #16); this test counts by hand, so it
        # starts last month from nothing but its own three questions.
        db.session.execute(delete(ServiceRequest).where(report.falls_due_in(last_month)))
        cal = get_calendar()
        policy = current_policy()
        missed_reference = ""
        for n, (day, late) in enumerate(((3, False), (10, False), (17, True))):
            due_day = cal.working_day_on_or_after(last_month.first_day + timedelta(days=day))
            due = cal.london_instant(due_day, time(17))
            met = due + timedelta(hours=19) if late else due - timedelta(hours=3)
            row = ServiceRequest(
                reference=f"Q-HIST-{n:04d}", kind="query", promise_code="query",
                policy_version_id=policy.id, requester_name="Hana History",
                requester_email="hana@example.test", subject=f"Question {n} from last month",
                body="Body", received_at=due - timedelta(days=4),
                clock_started_at=due - timedelta(days=4), response_due_at=due,
                first_reply_at=met, first_reply_office_seconds=3600 * (5 + n),
                promise_met_at=met, status="closed", closed_at=met + timedelta(days=1),
                resolved_first_time=not late, satisfaction_rating=4,
            )
            db.session.add(row)
            if late:
                missed_reference = row.reference
        db.session.commit()
        db.session.remove()
    return last_month, missed_reference


def test_manager_reads_the_charter_report(page, live_server, check_accessible, check_html):
    last_month, missed_reference = _last_month_history(live_server)
    sign_in_as(page, "admin@demo.test")
    page.get_by_role("link", name="Charter performance report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Charter performance")
    this_month = report.period_containing("month", london_today())
    expect(page.locator("#period-heading")).to_have_text(this_month.label)
    check_accessible(page)

    # Last month: the figures table, both charts and the missed question.
    page.get_by_role("link", name="Last month").click()
    expect(page.locator("#period-heading")).to_have_text(last_month.label)
    row = page.get_by_role("row", name="Reply to your question")
    expect(row.get_by_role("cell").nth(2)).to_have_text("1")  # missed
    expect(row.get_by_role("cell").nth(4)).to_have_text("67%")
    expect(page.get_by_role("img", name=f"Share of promises met on time, {last_month.label}")
           ).to_be_visible()
    expect(page.get_by_role("img", name="Share met on time by month, all promises")
           ).to_be_visible()
    expect(page.get_by_role("region", name="Trend by month")).to_be_visible()
    missed_link = page.get_by_role("link", name=missed_reference)
    expect(missed_link).to_have_attribute("href", f"/staff/requests/{missed_reference}")
    expect(page.get_by_role("row", name=missed_reference)).to_contain_text("late")
    check_accessible(page)

    # The CSV of the figures downloads, with the same numbers.
    with page.expect_download() as info:
        page.get_by_role("link", name="the figures").click()
    download = info.value
    assert download.suggested_filename == f"charter-summary-{last_month.slug}.csv"
    rows = list(csv.DictReader(io.StringIO(
        Path(download.path()).read_text(encoding="utf-8-sig")
    )))
    query = next(r for r in rows if r["Promise code"] == "query")
    assert (query["Fell due"], query["Met on time"], query["Missed"]) == ("3", "2", "1")
    assert query["Share met on time (%)"] == "66.7"

    # Switch to a week through the form.
    page.get_by_label("Period", exact=True).select_option("week")
    page.get_by_label("Any day in the period").fill(last_month.first_day.isoformat())
    page.get_by_role("button", name="Show the report").click()
    week = report.period_containing("week", last_month.first_day)
    expect(page.locator("#period-heading")).to_have_text(week.label)
    expect(page.get_by_role("img", name="Share met on time by week, all promises")
           ).to_be_visible()
    check_accessible(page)

    # A date range without its start: the error summary, and the end date kept.
    page.get_by_label("Period", exact=True).select_option("range")
    page.get_by_label("From", exact=True).fill("")
    page.get_by_label("To", exact=True).fill(last_month.last_day.isoformat())
    page.get_by_role("button", name="Show the report").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the first day of the range")
    expect(page.get_by_label("To", exact=True)).to_have_value(last_month.last_day.isoformat())
    check_accessible(page)

    # A whole range with both dates, back to the figures.
    page.get_by_label("From", exact=True).fill(last_month.first_day.isoformat())
    page.get_by_role("button", name="Show the report").click()
    expect(page.locator("#period-heading")).to_have_text(
        report.date_range(last_month.first_day, last_month.last_day).label
    )
    check_accessible(page)
    check_html()
