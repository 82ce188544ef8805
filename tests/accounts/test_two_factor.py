"""ASVS 5.0 V6.3.3, V6.5: two-step sign-in (TOTP) for staff and administrators."""

import re
import threading
import time

import pyotp
import pytest
from sqlalchemy import select

from portal.accounts import two_factor
from portal.accounts.models import RecoveryCode, TwoFactor, User
from portal.audit.models import AuditEntry
from portal.extensions import db
from tests.conftest import PASSWORD
from tests.factories import TOTP_SECRET, make_user, totp_code

pytestmark = pytest.mark.asvs(chapter="V6")


def _password_step(client, user, **extra):
    return client.post(
        "/account/sign-in", data={"email": user.email, "password": PASSWORD, **extra}
    )


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_v6_3_3_staff_need_a_second_factor_before_their_area_opens(client, role):
    user = make_user(role)
    db.session.commit()
    response = _password_step(client, user)
    assert response.headers["Location"] == "/account/two-step"
    # The password alone opens nothing.
    assert client.get(f"/{role}/").status_code == 302
    response = client.post("/account/two-step", data={"code": "000000"})
    assert "That code is not right" in response.get_data(as_text=True)
    response = client.post("/account/two-step", data={"code": totp_code(user)})
    assert response.headers["Location"] == f"/{role}/"
    assert client.get(f"/{role}/").status_code == 200


def test_staff_without_two_factor_must_enrol_at_first_sign_in(client):
    user = make_user("staff", two_factor=False)
    db.session.commit()
    response = _password_step(client, user)
    assert response.headers["Location"] == "/account/two-step/set-up"
    assert client.get("/staff/").status_code == 302
    page = client.get("/account/two-step/set-up").get_data(as_text=True)
    assert 'src="data:image/png;base64,' in page
    assert "<script" not in page
    secret = re.search(r'id="secret-key">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    assert len(secret) == 32  # 160 bits
    response = client.post("/account/two-step/set-up", data={"code": pyotp.TOTP(secret).now()})
    page = response.get_data(as_text=True)
    assert "Your recovery codes" in page
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", page)
    assert len(codes) == 10
    assert client.get("/staff/").status_code == 200
    db.session.expire_all()
    assert two_factor.is_enabled(user)


def test_members_may_choose_two_factor_and_are_then_asked_for_it(client, sign_in):
    user = make_user("member")
    db.session.commit()
    sign_in(client, user)
    page = client.get("/account/security").get_data(as_text=True)
    assert "Turn on two-step sign-in" in page
    # Turning it on needs the password again first (V7.5.1): recent from sign-in, so no.
    page = client.get("/account/two-step/set-up").get_data(as_text=True)
    secret = re.search(r'id="secret-key">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    client.post("/account/two-step/set-up", data={"code": pyotp.TOTP(secret).now()})
    client.post("/account/sign-out")
    assert _password_step(client, user).headers["Location"] == "/account/two-step"


def test_v6_5_1_a_code_works_only_once(client):
    user = make_user("staff")
    db.session.commit()
    code = totp_code(user)
    _password_step(client, user)
    assert client.post("/account/two-step", data={"code": code}).status_code == 302
    client.post("/account/sign-out")
    _password_step(client, user)
    response = client.post("/account/two-step", data={"code": code})
    assert response.status_code == 200
    assert "That code is not right" in response.get_data(as_text=True)


def test_v6_5_5_codes_from_older_time_steps_are_refused(app):
    user = make_user("staff")
    db.session.commit()
    old = pyotp.TOTP(TOTP_SECRET).at(time.time() - 90)
    if old == pyotp.TOTP(TOTP_SECRET).now():
        pytest.skip("the same digits came up twice")
    assert two_factor.verify(user, old) is None


def test_v6_5_2_recovery_codes_are_hashed_and_single_use(client):
    user = make_user("staff")
    db.session.commit()
    codes = two_factor.new_recovery_codes(user)
    db.session.commit()
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert all(h.startswith("$argon2id$") for h in stored)
    assert not any(c.replace("-", "") in h for c in codes for h in stored)
    _password_step(client, user)
    assert client.post("/account/two-step", data={"code": codes[0].upper()}).status_code == 302
    client.post("/account/sign-out")
    _password_step(client, user)
    assert client.post("/account/two-step", data={"code": codes[0]}).status_code == 200
    assert two_factor.recovery_codes_left(user) == 9


def test_v6_5_3_secrets_and_codes_come_from_a_csprng(app):
    a, b = make_user("member"), make_user("member")
    secrets_ = {two_factor.begin_enrolment(a).secret, two_factor.begin_enrolment(b).secret}
    assert len(secrets_) == 2
    assert all(len(s) == 32 for s in secrets_)
    codes = two_factor.new_recovery_codes(a)
    assert len(set(codes)) == 10


def test_second_factor_guessing_is_throttled(client):
    user = make_user("admin")
    db.session.commit()
    _password_step(client, user)
    statuses = [
        client.post("/account/two-step", data={"code": f"{n:06d}"}).status_code for n in range(7)
    ]
    assert statuses[:5] == [200] * 5
    assert statuses[-1] == 429
    failures = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "auth.second_factor_failed")
    ).all()
    assert len(failures) >= 5


def test_the_password_step_expires(client):
    from datetime import timedelta

    import time_machine

    from portal.database import utcnow

    user = make_user("staff")
    db.session.commit()
    with time_machine.travel(utcnow(), tick=False) as clock:
        _password_step(client, user)
        clock.shift(timedelta(minutes=11))
        response = client.post("/account/two-step", data={"code": totp_code(user)})
    assert response.headers["Location"] == "/account/sign-in"


def test_v7_5_1_two_factor_settings_need_the_password_and_code_again(client, sign_in):
    from datetime import timedelta

    import time_machine

    from portal.database import utcnow

    user = make_user("staff")
    db.session.commit()
    with time_machine.travel(utcnow(), tick=False) as clock:
        sign_in(client, user)
        clock.shift(timedelta(minutes=11))
        client.get("/staff/")  # still signed in (idle limit is 30 minutes)
        response = client.post("/account/two-step/turn-off", data={})
        assert response.headers["Location"].startswith("/account/confirm")
        page = client.post(
            "/account/confirm", data={"password": PASSWORD, "code": "123456", "next": ""}
        ).get_data(as_text=True)
        assert "That code is not right" in page
        response = client.post(
            "/account/confirm",
            data={"password": PASSWORD, "code": totp_code(user), "next": "/account/security"},
        )
        assert response.headers["Location"] == "/account/security"
        # Staff cannot simply turn it off: they are sent to set up a new app.
        response = client.post("/account/two-step/turn-off", data={})
        assert response.headers["Location"] == "/account/two-step/set-up"
        assert client.get("/staff/").headers["Location"] == "/account/two-step/set-up"
    assert db.session.get(TwoFactor, user.id) is None or not two_factor.is_enabled(user)


def test_v6_4_3_a_password_reset_does_not_skip_two_step_sign_in(client):
    from tests.conftest import outbox_links

    user = make_user("staff", email="resetter@example.test")
    db.session.commit()
    client.post("/account/forgot-password", data={"email": user.email})
    link = [x for x in outbox_links(user.email) if "/reset/" in x][-1]
    new = "violet harbour compass"
    response = client.post("/" + link.split("/", 3)[3], data={"password": new, "confirm": new})
    assert response.headers["Location"] == "/account/sign-in"
    assert client.get("/staff/").status_code == 302
    response = client.post("/account/sign-in", data={"email": user.email, "password": new})
    assert response.headers["Location"] == "/account/two-step"
    assert client.get("/staff/").status_code == 302


def test_v7_5_1_changing_the_password_with_two_step_on_needs_a_recent_code(client, sign_in):
    from datetime import timedelta

    import time_machine

    from portal.database import utcnow

    user = make_user("staff")
    db.session.commit()
    with time_machine.travel(utcnow(), tick=False) as clock:
        sign_in(client, user)
        clock.shift(timedelta(minutes=11))
        response = client.get("/account/password")
        assert response.headers["Location"].startswith("/account/confirm?next=/account/password")


def _at_once(app, count: int, work) -> list:
    """Run ``work(n)`` in ``count`` threads, each with its own app context and database
    session, lined up on a barrier so they reach the database at the same moment."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(n: int) -> None:
        with app.app_context():
            try:
                results[n] = work(n, barrier)
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                results[n] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_one_code_sent_six_times_at_once_is_accepted_once(app):
    """Each thread reads the two-step row first (as every sign-in does), then all check the
    same code together: only one may be let in (issue #14, finding 3)."""
    user = make_user("staff")
    db.session.commit()
    code = totp_code(user)
    user_id = user.id  # read here: the test's own session must not be touched by threads

    def check(n, barrier):
        me = db.session.get(User, user_id)
        two_factor.settings_for(me)  # the row each request holds, last_step still empty
        barrier.wait()
        accepted = two_factor.verify(me, code)
        db.session.commit()
        return accepted

    results = _at_once(app, 6, check)
    assert sorted(map(str, results)) == ["None"] * 5 + ["totp"], results


def test_one_recovery_code_sent_at_once_is_accepted_once(app):
    user = make_user("staff")
    db.session.commit()
    [code, *_] = two_factor.new_recovery_codes(user)
    db.session.commit()
    user_id = user.id

    def check(n, barrier):
        me = db.session.get(User, user_id)
        db.session.scalars(select(RecoveryCode)).all()  # every request has read them unused
        barrier.wait()
        accepted = two_factor.use_recovery_code(me, code)
        db.session.commit()
        return accepted

    results = _at_once(app, 4, check)
    assert sorted(results) == [False, False, False, True], results


def test_six_sign_ins_posting_one_code_at_once_open_one_session(app):
    user = make_user("staff")
    db.session.commit()
    code = totp_code(user)
    clients = [app.test_client() for _ in range(6)]
    for c in clients:
        assert _password_step(c, user).headers["Location"] == "/account/two-step"

    def post(n, barrier):
        barrier.wait()
        return clients[n].post("/account/two-step", data={"code": code}).status_code

    results = _at_once(app, 6, post)
    assert sorted(results) == [200] * 5 + [302], results
