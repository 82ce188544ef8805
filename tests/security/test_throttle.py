"""ASVS 5.0 V6.1.1 / V6.3.1: sign-in throttling with growing delays, not lockout."""

from datetime import timedelta

import pytest
import time_machine

from portal.database import utcnow
from portal.extensions import db
from portal.security import throttle
from tests.conftest import PASSWORD
from tests.factories import make_user

pytestmark = pytest.mark.asvs(chapter="V6")


def _fail(client, email, address="203.0.113.5"):
    return client.post(
        "/account/sign-in",
        data={"email": email, "password": "definitely-wrong-pass"},
        environ_base={"REMOTE_ADDR": address},
    )


def test_v6_3_1_throttles_password_guessing_with_growing_delays(client):
    user = make_user(email="target@example.test")
    db.session.commit()
    start = utcnow()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(5):
            assert _fail(client, user.email).status_code == 200
        # The sixth try comes too soon after five failures: refused before the password is
        # even checked, with a clear time to come back.
        response = client.post(
            "/account/sign-in", data={"email": user.email, "password": PASSWORD}
        )
        assert response.status_code == 429
        page = response.get_data(as_text=True)
        assert "too many attempts to sign in" in page
        assert "try again after" in page and "in about 1 minute" in page
        assert int(response.headers["Retry-After"]) == 30
        assert f'value="{user.email}"' in page  # what was typed is kept

        # After the wait, the right password works; a wrong one makes the next wait longer.
        clock.shift(timedelta(seconds=31))
        assert _fail(client, user.email).status_code == 200
        clock.shift(timedelta(seconds=31))
        assert _fail(client, user.email).status_code == 429  # the wait is now a minute
        clock.shift(timedelta(seconds=30))
        response = client.post(
            "/account/sign-in", data={"email": user.email, "password": PASSWORD}
        )
        assert response.status_code == 302
    # Success clears the account's counter.
    assert not throttle.exists("account", user.email)


def test_v6_1_1_delays_grow_but_never_become_a_lockout():
    policy = throttle.POLICIES["account"]
    delays = [policy.delay(n) for n in range(0, 40)]
    assert delays[:5] == [timedelta(0)] * 5
    assert delays[5] == timedelta(seconds=30)
    assert delays[6] == timedelta(minutes=1)
    assert all(a <= b for a, b in zip(delays, delays[1:], strict=False))
    assert max(delays) == timedelta(minutes=15)


def test_per_address_throttling_covers_many_accounts(client):
    start = utcnow()
    with time_machine.travel(start, tick=False):
        for n in range(20):
            assert _fail(client, f"someone{n}@example.test").status_code == 200
        assert _fail(client, "another@example.test").status_code == 429
        # Another address is not held up.
        assert _fail(client, "another@example.test", address="198.51.100.7").status_code == 200


def test_unknown_accounts_are_throttled_alike_so_nothing_is_revealed(client):
    make_user(email="known@example.test")
    db.session.commit()
    with time_machine.travel(utcnow(), tick=False):
        for _ in range(5):
            _fail(client, "known@example.test")
            _fail(client, "unknown@example.test", address="198.51.100.9")
        known = _fail(client, "known@example.test")
        unknown = _fail(client, "unknown@example.test", address="198.51.100.9")
    assert known.status_code == unknown.status_code == 429


def test_password_reset_clears_the_account_counter(client):
    from tests.conftest import outbox_links

    user = make_user(email="locked@example.test")
    db.session.commit()
    with time_machine.travel(utcnow(), tick=False):
        for _ in range(6):
            _fail(client, user.email)
        assert throttle.retry_at("account", user.email) is not None
        client.post("/account/forgot-password", data={"email": user.email})
        link = [x for x in outbox_links(user.email) if "/reset/" in x][-1]
        client.post(
            "/" + link.split("/", 3)[3],
            data={"password": "new lantern orbit", "confirm": "new lantern orbit"},
        )
        assert throttle.retry_at("account", user.email) is None


def test_counters_are_forgotten_a_day_after_the_last_failure(client):
    user = make_user()
    db.session.commit()
    start = utcnow()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(8):
            throttle.record_failure("account", user.email)
        db.session.commit()
        assert throttle.retry_at("account", user.email) is not None
        clock.shift(timedelta(hours=24, seconds=1))
        assert throttle.retry_at("account", user.email) is None
        assert throttle.forget_stale() == 1


def test_flask_limiter_caps_requests_per_address(app, client):
    app.config["SIGN_IN_RATE_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert _fail(client, "x@example.test", address="192.0.2.1").status_code in (200, 429)
    response = _fail(client, "x@example.test", address="192.0.2.1")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


@pytest.fixture
def redis_url(tmp_path):
    import shutil
    import socket
    import subprocess
    import time

    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    try:
        import redis

        client = redis.Redis(port=port)
        for _ in range(50):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(5)


def test_counters_live_in_redis_when_redis_url_is_set(app_config, redis_url, backend):
    from portal import create_app
    from portal.security.models import LoginAttempt

    if backend != "sqlite":
        pytest.skip("one backend is enough")
    redis_app = create_app(
        dict(app_config, REDIS_URL=redis_url, RATELIMIT_STORAGE_URI=redis_url)
    )
    with redis_app.app_context():
        found = throttle.store()
        assert isinstance(found, throttle.FallbackStore)  # the database only while Redis is down
        assert isinstance(found.primary, throttle.RedisStore)
        with time_machine.travel(utcnow(), tick=False):
            for _ in range(5):
                throttle.record_failure("account", "r@example.test")
            assert throttle.retry_at("account", "r@example.test") is not None
        assert db.session.query(LoginAttempt).count() == 0
        throttle.clear("account", "r@example.test")
        assert throttle.retry_at("account", "r@example.test") is None
        db.engine.dispose()


def test_a_throttled_sign_in_is_audited_although_its_429_page_rolls_back(client):
    from sqlalchemy import func, select

    from portal.audit.models import AuditEntry

    user = make_user(email="audited@example.test")
    db.session.commit()
    with time_machine.travel(utcnow(), tick=False):
        for _ in range(5):
            assert _fail(client, user.email).status_code == 200
        assert _fail(client, user.email).status_code == 429
    db.session.rollback()
    kept = db.session.scalar(
        select(func.count(AuditEntry.id)).where(AuditEntry.action == "auth.sign_in_throttled")
    )
    assert kept == 1
