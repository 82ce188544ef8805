"""Escalation before a breach (issue #16): at the configured office-time thresholds, the
assignee, then the team lead; once per due instant."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from sqlalchemy import func, select

from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.requests import services
from portal.staff.escalation import alerts_for, escalate
from portal.staff.models import StaffAlert, StaffProfile
from tests.factories import make_user

# Wednesday 25 November 2026 09:00 GMT; a callback is due 8 office hours on: 17:00.
WED_9AM = datetime(2026, 11, 25, 9, tzinfo=UTC)


def alerts() -> list[tuple[str, int, str]]:
    return [(a.reason, a.threshold_minutes, a.user.email) for a in db.session.scalars(
        select(StaffAlert).order_by(StaffAlert.id))]


def test_assignee_first_then_team_lead_once_per_due_instant(signed_in_as, submit):
    assignee = make_user("staff")
    lead = make_user("staff", email="lead@example.test")
    db.session.add(StaffProfile(user_id=lead.id, team="membership", is_team_lead=True))
    with time_machine.travel(WED_9AM, tick=False):
        r = submit("callback", details={"phone": "07700 900123"}).request
        services.assign(r, assignee, assignee)
    assert r.next_due_at == datetime(2026, 11, 25, 17, tzinfo=UTC)
    assert escalate(datetime(2026, 11, 25, 12, tzinfo=UTC)) == "sent 0 escalation alerts"
    # Four office hours before: the assignee.
    assert escalate(datetime(2026, 11, 25, 13, tzinfo=UTC)) == "sent 1 escalation alerts"
    assert escalate(datetime(2026, 11, 25, 13, 30, tzinfo=UTC)) == "sent 0 escalation alerts"
    # One hour before: the assignee again and the team lead.
    assert escalate(datetime(2026, 11, 25, 16, 5, tzinfo=UTC)) == "sent 2 escalation alerts"
    assert escalate(datetime(2026, 11, 25, 16, 30, tzinfo=UTC)) == "sent 0 escalation alerts"
    assert alerts() == [("assignee", 240, assignee.email), ("assignee", 60, assignee.email),
                        ("team-lead", 60, "lead@example.test")]
    emails = db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.key.like("escalation:%")))
    assert emails == 3
    assert [a.request_id for a in alerts_for(lead.id)] == [r.id]
    with time_machine.travel(datetime(2026, 11, 25, 16, 31, tzinfo=UTC), tick=False):
        client, _ = signed_in_as("staff", email=assignee.email + ".x")
        db.session.add(StaffAlert(user_id=_.id, request_id=r.id, due_at=r.next_due_at,
                                  threshold_minutes=60, reason="team-lead"))
        db.session.commit()
        page = client.get("/staff/").get_data(as_text=True)
    assert "your alerts" in page and r.reference in page and "you lead the team" in page


def test_nobody_has_it_so_the_team_lead_hears_at_once(app, submit):
    lead = make_user("staff")
    db.session.add(StaffProfile(user_id=lead.id, team="complaints", is_team_lead=True))
    with time_machine.travel(WED_9AM, tick=False):
        submit("complaint")  # due 17:00 on the third working day
    assert escalate(datetime(2026, 11, 30, 13, 30, tzinfo=UTC)) == "sent 1 escalation alerts"
    assert alerts() == [("team-lead", 240, lead.email)]
