"""ASVS 5.0 V7 (session management) and V3.3 (cookies)."""

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from portal import create_app
from portal.accounts import sessions
from portal.accounts import sign_in as services
from portal.accounts.models import UserSession
from portal.database import utcnow
from portal.extensions import db
from tests.conftest import PASSWORD
from tests.factories import make_user

pytestmark = [pytest.mark.asvs(chapter="V7"), pytest.mark.asvs(chapter="V3")]


def _session_cookie(client):
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def test_v7_2_4_a_new_session_is_made_at_sign_in(client, sign_in):
    user = make_user()
    db.session.commit()
    client.get("/account/sign-in")
    with client.session_transaction() as s:
        s["planted"] = "by an attacker"
    sign_in(client, user)
    with client.session_transaction() as s:
        assert "planted" not in s
        key = s["sid"]
    assert len(key) >= 43  # 256 bits, urlsafe base64
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert row.key_hash != key  # only a hash is stored


def test_v7_3_1_members_are_signed_out_after_two_idle_hours(client, sign_in):
    user = make_user()
    db.session.commit()
    with time_machine.travel(utcnow(), tick=False) as clock:
        sign_in(client, user)
        clock.shift(timedelta(minutes=119))
        assert client.get("/member/").status_code == 200
        clock.shift(timedelta(minutes=119))
        assert client.get("/member/").status_code == 200  # activity restarted the clock
        clock.shift(timedelta(minutes=121))
        response = client.get("/member/")
        assert response.status_code == 302
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "had not used the portal for 2 hours" in page


def test_v7_3_1_staff_are_signed_out_after_thirty_idle_minutes(client, sign_in):
    user = make_user("staff")
    db.session.commit()
    with time_machine.travel(utcnow(), tick=False) as clock:
        sign_in(client, user)
        clock.shift(timedelta(minutes=29))
        assert client.get("/staff/").status_code == 200
        clock.shift(timedelta(minutes=31))
        assert client.get("/staff/").status_code == 302


def test_v7_3_2_sessions_end_twelve_hours_after_sign_in_however_busy(client, sign_in):
    user = make_user()
    db.session.commit()
    with time_machine.travel(utcnow(), tick=False) as clock:
        sign_in(client, user)
        for _ in range(11):
            clock.shift(timedelta(hours=1))
            assert client.get("/member/").status_code == 200
        clock.shift(timedelta(hours=1))
        assert client.get("/member/").status_code == 302


def test_remembered_sessions_last_fourteen_days_and_not_for_staff(client, app, sign_in):
    member = make_user()
    staff = make_user("staff")
    db.session.commit()
    with time_machine.travel(utcnow(), tick=False) as clock:
        sign_in(client, member, remember=True)
        clock.shift(timedelta(days=13))
        assert client.get("/member/").status_code == 200
        clock.shift(timedelta(days=1, minutes=1))
        assert client.get("/member/").status_code == 302
    staff_client = app.test_client()
    sign_in(staff_client, staff, remember=True)
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == staff.id))
    assert not row.is_remembered and row.idle_minutes == 30


def test_v7_4_1_signing_out_ends_the_session_on_the_server(client, sign_in):
    user = make_user()
    db.session.commit()
    sign_in(client, user)
    with client.session_transaction() as s:
        stolen = dict(s)
    client.post("/account/sign-out")
    # Replaying the old cookie does not bring the session back.
    with client.session_transaction() as s:
        s.update(stolen)
    assert client.get("/member/").status_code == 302


def test_v7_4_2_disabling_an_account_ends_its_sessions(client, sign_in):
    user = make_user()
    db.session.commit()
    sign_in(client, user)
    services.set_enabled(user, False, reason="left the organisation")
    db.session.commit()
    assert client.get("/member/").status_code == 302
    assert all(r.ended_at for r in db.session.scalars(select(UserSession)))


def test_v7_4_3_and_v7_5_2_sign_out_everywhere(app, client, sign_in):
    user = make_user()
    db.session.commit()
    phone = app.test_client()
    sign_in(client, user)
    sign_in(phone, user)
    page = client.get("/account/security").get_data(as_text=True)
    assert page.count("Sign out<span") == 2
    response = client.post("/account/sessions/end-all")
    assert response.headers["Location"] == "/account/sign-in"
    assert client.get("/member/").status_code == 302
    assert phone.get("/member/").status_code == 302


def test_v7_5_2_a_user_can_end_one_other_session_but_not_someone_elses(app, client, sign_in):
    user = make_user()
    other = make_user()
    db.session.commit()
    phone = app.test_client()
    sign_in(client, user)
    sign_in(phone, user)
    sign_in(app.test_client(), other)
    rows = db.session.scalars(select(UserSession).order_by(UserSession.id)).all()
    phone_row, others_row = rows[1], rows[2]
    assert client.post(f"/account/sessions/{others_row.id}/end").status_code == 404
    assert client.post(f"/account/sessions/{phone_row.id}/end").status_code == 302
    assert phone.get("/member/").status_code == 302
    assert client.get("/member/").status_code == 200


def test_v7_5_1_ending_sessions_needs_recent_authentication(client, sign_in):
    user = make_user()
    db.session.commit()
    with time_machine.travel(utcnow(), tick=False) as clock:
        sign_in(client, user)
        clock.shift(timedelta(minutes=11))
        response = client.post("/account/sessions/end-all")
        assert response.headers["Location"].startswith("/account/confirm")
        response = client.post(
            "/account/confirm", data={"password": "wrong-password-x", "next": ""}
        )
        assert "Your password is not right" in response.get_data(as_text=True)
        with client.session_transaction() as s:
            key_before = s["sid"]
        response = client.post(
            "/account/confirm", data={"password": PASSWORD, "next": "/account/security"}
        )
        assert response.headers["Location"] == "/account/security"
        with client.session_transaction() as s:
            assert s["sid"] != key_before  # V7.2.4: a new key on re-authentication
        assert client.get("/member/").status_code == 200
        assert client.post("/account/sessions/end-all").status_code == 302


def test_v7_4_5_administrators_can_end_a_users_sessions(client, sign_in):
    user = make_user()
    db.session.commit()
    sign_in(client, user)
    assert services.end_sessions_for(user) == 1
    db.session.commit()
    assert client.get("/member/").status_code == 302


def test_v7_4_4_every_signed_in_page_has_a_sign_out_button(signed_in_as, role):
    client, _ = signed_in_as(role)
    for path in (f"/{role}/", "/account/security", "/account/password"):
        page = client.get(path).get_data(as_text=True)
        assert 'action="/account/sign-out"' in page, path


def test_v3_3_production_cookies_are_host_prefixed_secure_httponly_lax(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    monkeypatch.setenv("PORTAL_BASE_URL", "https://portal.example")
    monkeypatch.setenv("TRUSTED_HOSTS", "portal.example")
    app = create_app("production")
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SESSION_COOKIE_DOMAIN"] is None
    with app.test_request_context("/", base_url="https://portal.example"):
        from flask import session

        session["x"] = 1
        response = app.make_response("ok")
        app.session_interface.save_session(app, session, response)
        header = response.headers["Set-Cookie"]
    assert header.startswith("__Host-session=")
    for part in ("Secure", "HttpOnly", "Path=/", "SameSite=Lax"):
        assert part in header
    assert "Domain" not in header


def test_v7_1_1_session_limits_match_the_documented_ones(app):
    assert app.config["SESSION_IDLE_MINUTES"] == 120
    assert app.config["SESSION_IDLE_MINUTES_STAFF"] == 30
    assert app.config["SESSION_ABSOLUTE_HOURS"] == 12
    assert app.config["REMEMBER_DAYS"] == 14
    assert sessions.may_remember(make_user("member"))
    assert not sessions.may_remember(make_user("admin"))
