"""Grace and lapse: one more reminder after a missed renewal date, then lapsed, told, and
"Rejoin" instead of "Renew"; staff change a renewal date with a reason. Runs on SQLite and,
when TEST_DATABASE_URL is set, PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.membership.lapse import grace_key, lapsed_key, run_grace_and_lapse
from portal.notify.models import OutboxMessage
from portal.settings.membership import membership_settings

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TODAY = date(2026, 12, 1)


def _member(make_user, renewal: date, status: str = "active"):
    user = make_user("member")
    user.membership.renewal_date = renewal
    user.membership.status = status
    db.session.commit()
    return user


def _keys(prefix: str) -> list[str]:
    return db.session.scalars(
        select(OutboxMessage.key).where(OutboxMessage.key.like(f"{prefix}:%"))
    ).all()


def test_one_more_reminder_in_the_grace_period_then_lapsed_and_told(app, make_user):
    passed = _member(make_user, TODAY - timedelta(days=1))
    ahead = _member(make_user, TODAY + timedelta(days=60))
    assert run_grace_and_lapse(NOW) == (1, 0)
    db.session.commit()
    assert run_grace_and_lapse(NOW + timedelta(days=5)) == (0, 0)  # once only
    assert _keys("grace") == [grace_key(passed.membership.id, passed.membership.renewal_date)]
    [message] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.key.like("grace:%")))
    assert "until Wednesday 30 December 2026" in message.body_text  # 30 days on
    assert "/member/renew" in message.body_text

    # The day after the grace period ends, the membership lapses and the member is told.
    assert run_grace_and_lapse(NOW + timedelta(days=30)) == (0, 1)
    db.session.commit()
    db.session.expire_all()
    assert passed.membership.status == "lapsed" and ahead.membership.status == "active"
    assert _keys("lapsed") == [lapsed_key(passed.membership.id, passed.membership.renewal_date)]
    assert run_grace_and_lapse(NOW + timedelta(days=31)) == (0, 0)
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "membership.lapsed"))


def test_the_grace_period_is_a_setting(app, make_user):
    member = _member(make_user, TODAY - timedelta(days=8))
    settings = membership_settings(for_update=True)
    settings.grace_days = 7
    db.session.commit()
    assert run_grace_and_lapse(NOW) == (0, 1)
    db.session.expire_all()
    assert member.membership.status == "lapsed"


def test_a_lapsed_member_sees_rejoin_not_renew(app, signed_in_as):
    client, user = signed_in_as("member")
    user.membership.status, user.membership.renewal_date = "lapsed", TODAY - timedelta(days=60)
    db.session.commit()
    page = client.get("/member/").get_data(as_text=True)
    assert ">Rejoin</a>" in page and "Renew now" not in page
    renew = client.get("/member/renew").get_data(as_text=True)
    assert "<h1>Rejoin</h1>" in renew


def test_staff_change_a_renewal_date_with_a_reason_kept_in_the_audit_log(
    app, signed_in_as, make_user
):
    staff_client, staff = signed_in_as("staff")
    member = _member(make_user, TODAY - timedelta(days=90), status="lapsed")
    new_date = date.today() + timedelta(days=20)
    url = f"/staff/members/{member.id}/renewal-date"
    refused = staff_client.post(url, data={"renewal_date": new_date.isoformat(), "reason": ""})
    assert refused.status_code == 422
    assert "Say why the renewal date is changing." in refused.get_data(as_text=True)
    response = staff_client.post(
        url, data={"renewal_date": new_date.isoformat(), "reason": "Paid by cheque on 28 Nov"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert member.membership.renewal_date == new_date
    assert member.membership.status == "active"
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "membership.renewal_date_changed")
    )
    assert entry.summary == "Paid by cheque on 28 Nov" and entry.actor_id == staff.id
    # The reminder for the new date is armed: the daily job queues it.
    from portal.membership.renewals import queue_renewal_reminders, renewal_key

    assert queue_renewal_reminders() == 1
    assert _keys("renewal") == [renewal_key(member.membership.id, new_date)]


def test_a_member_cannot_change_renewal_dates(app, member_client, make_user):
    member = _member(make_user, TODAY)
    assert member_client.get(f"/staff/members/{member.id}/renewal-date").status_code in (403, 404)


def test_staff_reach_the_renewal_date_from_a_members_request(app, signed_in_as):
    from portal.requests.services import submit_request

    staff_client, _ = signed_in_as("staff")
    _, member = signed_in_as("member")
    made = submit_request("query", subject="Renewal", body="When?", requester=member).request
    db.session.commit()
    page = staff_client.get(f"/staff/requests/{made.reference}").get_data(as_text=True)
    assert f"/staff/members/{member.id}/renewal-date" in page
