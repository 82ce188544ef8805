"""Email pages in a real browser: preferences, one-click unsubscribe, the admin mailbox with a
renewal reminder and a failed email, and sending news."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def _sign_in(page, email: str) -> None:
    sign_in(page, email)
    page.wait_for_url(re.compile(r".*/(member|admin)/$"))


def test_member_chooses_news_and_unsubscribes_in_one_click(
    page, live_server, check_accessible, check_html
):
    _sign_in(page, "member@demo.test")
    page.get_by_role("link", name="Choose which news we email you").click()
    check_accessible(page)
    page.get_by_label("Events").check()
    page.get_by_label("New articles and resources").check()
    page.get_by_role("button", name="Save my choices").click()
    assert "Your email choices are saved." in page.content()
    assert page.get_by_label("Events").is_checked()
    check_accessible(page)

    with live_server.app.app_context():
        from portal.accounts.models import User
        from portal.membership.news import unsubscribe_url

        user_id = db.session.scalar(select(User.id).where(User.email == "member@demo.test"))
        link = unsubscribe_url(user_id, "events")
    page.get_by_role("button", name="Sign out").click()
    page.goto(link.removeprefix(live_server.url))
    assert "Stop news emails about events?" in page.content()
    check_accessible(page)
    page.get_by_role("button", name="Stop these emails").click()
    assert "You will not get news about events any more" in page.content()
    check_accessible(page)
    check_html()


def test_admin_reads_the_reminder_retries_a_failure_and_sends_news(
    page, live_server, check_accessible, check_html
):
    app = live_server.app
    with app.app_context():
        from portal.jobs.registry import JOBS
        from portal.jobs.runner import run_job
        from portal.notify.models import OutboxMessage

        run_job(app, "renewal-reminders", JOBS["renewal-reminders"].func)
        reminder = db.session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.to_address == "member@demo.test",
                OutboxMessage.key.startswith("renewal:"),
            )
        )
        reminder.status = "failed"
        reminder.last_error = "Recipient refused: member@demo.test: 550 No such mailbox"
        db.session.commit()
        subject = reminder.subject
        db.session.remove()

    _sign_in(page, "admin@demo.test")
    page.get_by_role("link", name="Open the mailbox").click()
    assert "could not be delivered" in page.content()
    check_accessible(page)
    page.get_by_role("link", name="See the failed emails").click()
    page.get_by_role("link", name=subject).click()
    assert "renewal.ics" in page.content() and "550 No such mailbox" in page.content()
    check_accessible(page)
    page.get_by_role("button", name="Retry sending this email").click()
    assert "will be sent again shortly" in page.content()
    check_accessible(page)

    page.goto("/admin/news")
    page.get_by_role("button", name="Queue the email").click()
    assert page.get_by_role("alert").is_visible()
    check_accessible(page)
    page.get_by_label("Subject").fill("Spring webinar")
    page.get_by_label("Message").fill("Join us online.")
    page.get_by_role("button", name="Queue the email").click()
    assert "is queued for 0 members" in page.content()
    check_accessible(page)
    check_html()
