"""Chase, close and reopen by the charter's clock (issue #16)."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from sqlalchemy import select

from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.requests import services
from portal.requests.followup import chase_and_close, waiting_plan
from portal.requests.models import ServiceRequest, Status
from portal.settings.services import set_case_clock
from tests.factories import make_user

MON_10AM = datetime(2026, 11, 30, 10, tzinfo=UTC)


def subjects(address: str) -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.subject).where(
        OutboxMessage.to_address == address).order_by(OutboxMessage.id)))


def test_waiting_for_the_customer_is_chased_then_closed_each_step_visible(submit):
    staff, member = make_user("staff"), make_user("member", full_name="Priya Sharma")
    with time_machine.travel(MON_10AM, tick=False):
        r = submit("query", requester=member).request
        services.wait_for_customer(r, staff, "Please send your membership number.")
        plan = waiting_plan(r)
    # Defaults: remind after 5 working days, close after 10.
    assert (plan.reminder_on.isoformat(), plan.close_on.isoformat()) == (
        "2026-12-07", "2026-12-14")
    assert chase_and_close(datetime(2026, 12, 4, 10, tzinfo=UTC)) == (
        "reminded 0, closed 0 unanswered requests")
    assert chase_and_close(datetime(2026, 12, 7, 10, tzinfo=UTC)) == (
        "reminded 1, closed 0 unanswered requests")
    assert chase_and_close(datetime(2026, 12, 8, 10, tzinfo=UTC)) == (
        "reminded 0, closed 0 unanswered requests")  # once per wait
    assert any("A reminder" in s for s in subjects(member.email))
    assert r.events[-1].data["chased"] and not r.events[-1].is_internal
    assert chase_and_close(datetime(2026, 12, 14, 10, tzinfo=UTC)) == (
        "reminded 0, closed 1 unanswered requests")
    assert r.status == Status.CLOSED and r.events[-1].data["reason"] == "no_reply"
    assert any("We have closed your request" in s for s in subjects(member.email))


def test_settings_change_the_clock(app, submit):
    staff = make_user("staff")
    set_case_clock(2, 4, 3, [2, 0.5])
    with time_machine.travel(MON_10AM, tick=False):
        r = submit("query").request
        services.wait_for_customer(r, staff, "Which exam?")
    assert chase_and_close(datetime(2026, 12, 2, 10, tzinfo=UTC)).startswith("reminded 1")
    assert chase_and_close(datetime(2026, 12, 4, 10, tzinfo=UTC)).endswith("closed 1 "
                                                                           "unanswered requests")


def test_a_reply_in_the_window_reopens_later_it_starts_a_linked_case(submit):
    staff, member = make_user("staff"), make_user("member")
    with time_machine.travel(MON_10AM, tick=False):
        r = submit("query", requester=member).request
        services.staff_reply(r, staff, "Done.", resolves=True)
        services.close(r, staff)
    with time_machine.travel(datetime(2026, 12, 10, 10, tzinfo=UTC), tick=False):
        event = services.customer_reply(r, "Actually it is still wrong.", member)
    assert event.request is r and r.status == Status.WITH_TEAM and r.closed_at is None
    assert r.events[-2].data.get("reopened")
    with time_machine.travel(datetime(2026, 12, 11, 10, tzinfo=UTC), tick=False):
        services.staff_reply(r, staff, "Fixed now.", resolves=True)
        services.close(r, staff)
    # Ten working days on (28 December is a bank holiday) the window has passed.
    with time_machine.travel(datetime(2027, 1, 4, 10, tzinfo=UTC), tick=False):
        event = services.customer_reply(r, "One more thing about this.", member)
    new = event.request
    assert new is not r and new.details["follows"] == r.reference
    assert r.status == Status.CLOSED and r.events[-1].data["followed_by"] == new.reference
    assert db.session.scalar(select(ServiceRequest.id).where(
        ServiceRequest.id == new.id)) is not None


def test_the_customer_page_says_when_we_remind_and_close(signed_in_as, submit):
    client, member = signed_in_as("member")
    staff = make_user("staff")
    r = submit("query", requester=member).request
    services.wait_for_customer(r, staff, "Which exam?")
    db.session.commit()
    page = client.get(f"/member/requests/{r.reference}").get_data(as_text=True)
    assert "we will remind you on" in page and "close this request on" in page


def test_an_administrator_sets_the_case_clock(signed_in_as):
    from portal.settings.services import case_clock_settings, escalation_minutes

    client, _admin = signed_in_as("admin")
    page = client.get("/admin/case-clock").get_data(as_text=True)
    assert 'value="4, 1"' in page
    bad = client.post("/admin/case-clock", data={
        "chase_after_days": "5", "close_after_days": "3", "reopen_within_days": "10",
        "escalate_hours": "4, 1"})
    assert "Close after more working days" in bad.get_data(as_text=True)
    words = client.post("/admin/case-clock", data={
        "chase_after_days": "5", "close_after_days": "8", "reopen_within_days": "10",
        "escalate_hours": "four"}).get_data(as_text=True)
    assert "Enter office hours separated by commas" in words and 'value="four"' in words
    ok = client.post("/admin/case-clock", data={
        "chase_after_days": "3", "close_after_days": "7", "reopen_within_days": "15",
        "escalate_hours": "8, 2, 0.5"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert case_clock_settings().chase_after_days == 3
    assert escalation_minutes() == [480, 120, 30]
