"""Redis down: sign-in, two-step, forgotten-password and registration still work (issue 21).

Redis is "down" by pointing both the rate limiter and the sign-in throttle at a loopback port
nobody listens on, so every connection is refused at once.
"""

from __future__ import annotations

import logging
import socket

import pytest

from portal import health
from portal.extensions import db, limiter
from portal.security import throttle
from tests.conftest import PASSWORD
from tests.factories import make_user, totp_code


def _closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


@pytest.fixture
def app_config(app_config):
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    app_config.update(REDIS_URL=url, RATELIMIT_STORAGE_URI=url)
    return app_config


@pytest.fixture(autouse=True)
def _fallbacks_start_afresh():
    # One limiter object and one record of fallbacks serve every test app in this process:
    # start and leave them believing everything is up.
    limiter._storage_dead = False
    health._fallbacks.clear()
    health._redis_checked.clear()
    yield
    limiter._storage_dead = False
    health._fallbacks.clear()
    health._redis_checked.clear()


def test_sign_in_two_step_forgot_and_register_work_with_redis_refused(client, caplog):
    member = make_user(email="member@example.test")
    staff = make_user("staff", email="staff@example.test")
    db.session.commit()
    caplog.set_level(logging.INFO)

    for _ in range(2):  # twice: the second time the fallbacks are already in place
        response = client.post(
            "/account/sign-in", data={"email": member.email, "password": PASSWORD}
        )
        assert response.status_code == 302
        client.post("/account/sign-out")
    wrong = client.post("/account/sign-in", data={"email": member.email, "password": "nope-nope"})
    assert wrong.status_code == 200 and "problem" in wrong.get_data(as_text=True).lower()

    response = client.post("/account/sign-in", data={"email": staff.email, "password": PASSWORD})
    assert response.headers["Location"] == "/account/two-step"
    response = client.post("/account/two-step", data={"code": totp_code(staff)})
    assert response.status_code == 302
    client.post("/account/sign-out")

    response = client.post("/account/forgot-password", data={"email": member.email})
    assert response.status_code in (200, 302)
    response = client.post(
        "/account/register",
        data={
            "full_name": "New Person",
            "email": "new@example.test",
            "password": "a-long-enough-passphrase",
            "confirm": "a-long-enough-passphrase",
        },
    )
    assert response.status_code in (200, 302)
    assert "went wrong" not in response.get_data(as_text=True)

    # Each fallback is logged once, as one line, however many requests meet it.
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    throttle_lines = [m for m in messages if "sign-in throttle" in m.lower()]
    limiter_lines = [m for m in messages if "rate limit storage unreachable" in m.lower()]
    assert len(throttle_lines) == 1, messages
    assert len(limiter_lines) == 1, messages
    assert not any(r.exc_info for r in caplog.records if r.name.startswith("portal"))


def test_the_throttle_still_counts_failures_in_the_database_while_redis_is_down(client):
    user = make_user(email="target@example.test")
    db.session.commit()
    for _ in range(5):
        client.post("/account/sign-in", data={"email": user.email, "password": "wrong-wrong"})
    response = client.post("/account/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429  # growing delays hold, counted in the database
    assert isinstance(throttle.store(), throttle.FallbackStore)
    assert throttle.DatabaseStore().get(throttle._key("account", user.email)) is not None


def test_healthz_says_degraded_but_stays_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "degraded" and body["redis"] == "unreachable"
    assert body["database"] == "ok"


def test_administrators_see_that_redis_is_down(signed_in_as):
    admin_client, _admin = signed_in_as("admin")
    page = admin_client.get("/admin/").get_data(as_text=True)
    assert "cannot reach Redis" in page


def test_the_flat_ceiling_still_holds_in_memory_while_redis_is_down(app, client):
    app.config["SIGN_IN_RATE_LIMIT"] = "3 per minute"
    answers = [
        client.post(
            "/account/sign-in", data={"email": f"p{i}@example.test", "password": "wrong-wrong"}
        ).status_code
        for i in range(4)
    ]
    assert answers == [200, 200, 200, 429]


def test_a_redis_that_hangs_costs_sign_in_seconds_not_a_hang(app_config, backend):
    """Accepts the connection (the kernel does) and never answers: the timeouts give up."""
    import time

    from portal import create_app

    if backend != "sqlite":
        pytest.skip("one backend is enough")
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
    app = create_app(dict(app_config, REDIS_URL=url, RATELIMIT_STORAGE_URI=url))
    try:
        with app.app_context():
            user = make_user(email="patient@example.test")
            db.session.commit()
            client = app.test_client()
            started = time.monotonic()
            response = client.post(
                "/account/sign-in", data={"email": user.email, "password": PASSWORD}
            )
            took = time.monotonic() - started
            db.session.remove()
            db.engine.dispose()
    finally:
        silent.close()
    assert response.status_code == 302
    assert took < 5, f"sign-in took {took:.1f} s"
