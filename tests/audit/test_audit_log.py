"""ASVS 5.0 V16 (security logging): the append-only audit log."""

from datetime import date, time

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from portal.audit.models import AuditEntry, AuditLogIsAppendOnly
from portal.audit.services import record, record_view
from portal.extensions import db
from portal.settings import services as settings
from tests.conftest import PASSWORD
from tests.factories import make_user

pytestmark = pytest.mark.asvs(chapter="V16")


def _entries(action):
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    ).all()


def test_v16_3_1_sign_ins_are_logged_success_and_failure(client, sign_in):
    user = make_user(email="audited@example.test")
    db.session.commit()
    client.post(
        "/account/sign-in",
        data={"email": user.email, "password": "wrong-wrong-wrong"},
        environ_base={"REMOTE_ADDR": "198.51.100.23"},
    )
    client.post(
        "/account/sign-in",
        data={"email": "nobody@example.test", "password": "wrong-wrong-wrong"},
    )
    sign_in(client, user)
    failed = _entries("auth.sign_in_failed")
    assert len(failed) == 2
    assert failed[0].subject_user_id == user.id
    assert failed[0].ip_address == "198.51.100.23"
    assert failed[0].details["known_account"] is True
    assert failed[1].subject_user_id is None and failed[1].details["known_account"] is False
    (ok,) = _entries("auth.sign_in")
    assert ok.actor_id == user.id and ok.at.tzinfo is not None  # V16.2.2: UTC


def test_v16_3_1_staff_sign_ins_record_the_second_factor(signed_in_as):
    _, user = signed_in_as("staff")
    (entry,) = _entries("auth.sign_in")
    assert entry.details["second_factor"] is True and entry.actor_role == "staff"


def test_v16_2_1_settings_and_targets_changes_say_who_what_when_where(app, signed_in_as):
    client, admin = signed_in_as("admin")
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "192.0.2.44"}):
        from flask_login import login_user

        login_user(admin)
        settings.set_office_hours(time(8, 30), time(17, 0), time(16, 0))
        row = settings.add_calendar_day(date(2026, 12, 29), "closure", "Christmas closure")
        settings.remove_calendar_day(row)
        settings.change_targets({"callback": 2}, "Faster callbacks", user=admin)
        db.session.commit()
    for action in (
        "settings.office_hours",
        "settings.calendar_day_added",
        "settings.calendar_day_removed",
        "settings.targets_changed",
    ):
        (entry,) = _entries(action)
        assert entry.actor_id == admin.id, action
        assert entry.ip_address == "192.0.2.44", action
    assert "callback=2" in _entries("settings.targets_changed")[0].details["targets"]


def test_staff_views_of_a_customer_record_are_logged_but_not_the_customers_own(app):
    staff, member = make_user("staff"), make_user("member")
    db.session.commit()
    from flask_login import login_user

    with app.test_request_context("/"):
        login_user(staff)
        assert record_view(member, ("membership", member.membership.id)) is not None
    with app.test_request_context("/"):
        login_user(member)
        assert record_view(member, ("membership", member.membership.id)) is None
    db.session.commit()
    (entry,) = _entries("record.viewed")
    assert entry.actor_id == staff.id and entry.subject_user_id == member.id


def test_v16_4_2_entries_cannot_be_changed_or_deleted_through_the_app(app):
    entry = record("account.changed", ("user_account", 1), details={"field": "phone"})
    db.session.commit()
    entry.summary = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_v16_4_2_postgresql_refuses_changes_from_any_client(app, backend):
    if backend != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    record("account.changed", ("user_account", 1))
    db.session.commit()
    for statement in ("UPDATE audit_entry SET summary = 'x'", "DELETE FROM audit_entry"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 1


@pytest.mark.parametrize("key", ["password", "new_password", "reset_token", "totp_code", "secret"])
def test_v16_2_5_secrets_are_refused_in_audit_details(app, key):
    with pytest.raises(ValueError, match="must not carry secrets"):
        record("account.changed", details={key: "x"})


def test_v16_2_5_no_password_or_token_reaches_the_audit_log(client, sign_in):
    from tests.conftest import outbox_links

    user = make_user(email="secretive@example.test")
    db.session.commit()
    sign_in(client, user)
    new = "brand new orbit lantern"
    client.post(
        "/account/password", data={"current_password": PASSWORD, "password": new, "confirm": new}
    )
    client.post("/account/forgot-password", data={"email": user.email})
    token = [x for x in outbox_links(user.email) if "/reset/" in x][-1].rsplit("/", 1)[1]
    dump = " ".join(
        f"{e.summary} {e.details} {e.target_id}" for e in db.session.scalars(select(AuditEntry))
    )
    assert len(_entries("auth.password_changed")) == 1
    for secret in (PASSWORD, new, token, user.password_hash):
        assert secret not in dump


def test_admins_search_the_audit_log(signed_in_as, make_user):
    client, admin = signed_in_as("admin")
    member = make_user(email="findme@example.test")
    db.session.commit()
    member_client = client.application.test_client()
    member_client.post(
        "/account/sign-in", data={"email": member.email, "password": "nope-nope-nope"}
    )
    page = client.get("/admin/audit?person=findme&action=auth.sign_in_failed").get_data(
        as_text=True
    )
    assert "1 entry." in page and "findme@example.test" in page
    page = client.get("/admin/audit?action=auth.sign_in&from=2000-01-01&to=bad").get_data(
        as_text=True
    )
    assert admin.email in page
    assert client.get("/admin/audit?page=0").status_code == 404


def test_only_admins_see_the_audit_log(signed_in_as):
    client, _ = signed_in_as("staff")
    assert client.get("/admin/audit").status_code == 403
