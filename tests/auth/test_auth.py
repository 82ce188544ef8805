"""Registration with address checks, signing in and out, and passwords."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.auth.views import SIGN_IN_FAILED
from portal.extensions import db
from portal.notify.models import OutboxMessage
from tests.conftest import PASSWORD, outbox_links
from tests.factories import make_user

NEW_PASSWORD = "a-brand-new-passphrase"


def _path(link: str) -> str:
    return urlsplit(link).path


def _register(client, **overrides):
    data = {
        "full_name": "Ada Lovelace",
        "email": "ada@example.test",
        "password": "analytical-engine-1843",
        "confirm": "analytical-engine-1843",
    }
    data.update(overrides)
    return client.post("/account/register", data=data)


def test_registration_needs_a_confirmed_address_before_sign_in(client):
    response = _register(client)
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "ada@example.test"))
    assert user.membership.status == "applicant"
    assert not user.is_verified

    # Signing in before confirming sends a fresh link instead of a session.
    response = client.post(
        "/account/sign-in",
        data={"email": "ada@example.test", "password": "analytical-engine-1843"},
    )
    assert "Check your email" in response.get_data(as_text=True)
    assert client.get("/member/").status_code == 302

    link = outbox_links("ada@example.test")[0]
    assert "/account/verify/" in link
    # Opening the link shows a button; only the POST uses the token (mail scanners GET).
    assert client.get(_path(link)).status_code == 200
    response = client.post(_path(link))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).is_verified

    response = client.post(
        "/account/sign-in",
        data={"email": "ADA@example.test ", "password": "analytical-engine-1843"},
    )
    assert response.headers["Location"] == "/member/"


def test_a_verification_link_works_once(client):
    _register(client)
    link = outbox_links("ada@example.test")[0]
    client.post(_path(link))
    response = client.post(_path(link))
    assert response.status_code == 400
    assert "already been used" in response.get_data(as_text=True)


def test_duplicate_registration_reveals_nothing_and_tells_the_owner(client):
    make_user(email="taken@example.test")
    db.session.commit()
    response = _register(client, email="taken@example.test")
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 1
    subjects = db.session.scalars(
        select(OutboxMessage.subject).where(OutboxMessage.to_address == "taken@example.test")
    ).all()
    assert subjects == ["You already have an account"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"full_name": ""}, "Enter your full name."),
        ({"email": "not-an-email"}, "Enter an email address in the right format"),
        ({"password": "short", "confirm": "short"}, "must be 12 to 128 characters"),
        ({"confirm": "something-else-entirely"}, "The two passwords do not match."),
        (
            {
                "email": "lovelace@example.test",
                "password": "my-lovelace-pass",
                "confirm": "my-lovelace-pass",
            },
            "must not contain your email address",
        ),
        ({"full_name": "x" * 500}, "120 characters or fewer"),
    ],
)
def test_registration_errors_keep_what_was_typed_but_never_passwords(client, overrides, message):
    response = _register(client, **overrides)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    full_name = overrides.get("full_name", "Ada Lovelace")
    if full_name and len(full_name) < 200:
        assert f'value="{full_name}"' in page
    password = overrides.get("password", "analytical-engine-1843")
    assert password not in page
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_sign_in_and_out(client):
    user = make_user("member")
    db.session.commit()
    response = client.post("/account/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/member/"
    assert client.get("/member/").status_code == 200
    response = client.post("/account/sign-out")
    assert response.status_code == 302
    assert client.get("/member/").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_answer(client):
    make_user(email="known@example.test")
    db.session.commit()
    wrong = client.post(
        "/account/sign-in", data={"email": "known@example.test", "password": "wrong-password-here"}
    ).get_data(as_text=True)
    unknown = client.post(
        "/account/sign-in", data={"email": "nobody@example.test", "password": "wrong-password-here"}
    ).get_data(as_text=True)
    assert SIGN_IN_FAILED in wrong
    assert SIGN_IN_FAILED in unknown
    assert wrong.replace("known@", "X@") == unknown.replace("nobody@", "X@")
    assert 'value="known@example.test"' in wrong
    assert "wrong-password-here" not in wrong


def test_disabled_account_cannot_sign_in(client):
    user = make_user(is_enabled=False)
    db.session.commit()
    response = client.post("/account/sign-in", data={"email": user.email, "password": PASSWORD})
    assert SIGN_IN_FAILED in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/member/?tab=1", "/member/?tab=1"),
        ("https://evil.example/", "/member/"),
        ("//evil.example/", "/member/"),
        ("/\\evil.example", "/member/"),
        ("javascript:alert(1)", "/member/"),
    ],
)
def test_next_redirects_only_within_the_site(client, target, expected):
    user = make_user("member")
    db.session.commit()
    response = client.post(
        "/account/sign-in", data={"email": user.email, "password": PASSWORD, "next": target}
    )
    assert response.headers["Location"] == expected


def test_anonymous_visitor_is_sent_to_sign_in_and_back(client):
    response = client.get("/member/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/sign-in?next=/member/")


def test_remember_me_sets_a_long_lived_cookie(client):
    user = make_user()
    db.session.commit()
    client.post(
        "/account/sign-in", data={"email": user.email, "password": PASSWORD, "remember": "y"}
    )
    # "Keep me signed in" makes the session cookie outlive the browser, for 14 days.
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.expires is not None
    days = (cookie.expires - datetime.now(UTC)).total_seconds() / 86400
    assert 13.9 < days <= 14


def _request_reset(client, email):
    client.post("/account/forgot-password", data={"email": email})
    return _path([link for link in outbox_links(email) if "/reset/" in link][-1])


def test_password_reset_by_emailed_link(client):
    user = make_user(email="forgetful@example.test")
    db.session.commit()
    response = client.post("/account/forgot-password", data={"email": user.email})
    assert "Check your email" in response.get_data(as_text=True)
    path = _path([link for link in outbox_links(user.email) if "/reset/" in link][0])
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    ok = client.post("/account/sign-in", data={"email": user.email, "password": NEW_PASSWORD})
    assert ok.headers["Location"] == "/member/"


def test_reset_link_cannot_be_reused(client):
    user = make_user()
    db.session.commit()
    path = _request_reset(client, user.email)
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    again = client.post(
        path, data={"password": "another-new-password", "confirm": "another-new-password"}
    )
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)


def test_reset_link_expires(client):
    user = make_user()
    db.session.commit()
    path = _request_reset(client, user.email)
    with time_machine.travel(timedelta(minutes=61), tick=False):
        response = client.get(path)
    assert response.status_code == 400
    assert "has expired" in response.get_data(as_text=True)


def test_made_up_reset_link_is_refused(client):
    response = client.get("/account/reset/not-a-real-token")
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)


def test_reset_for_unknown_email_looks_the_same(client):
    response = client.post("/account/forgot-password", data={"email": "nobody@example.test"})
    assert "Check your email" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_change_password_ends_other_sessions(app, client):
    user = make_user()
    db.session.commit()
    other_device = app.test_client()
    for c in (client, other_device):
        c.post("/account/sign-in", data={"email": user.email, "password": PASSWORD})
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/member/").status_code == 200
    assert other_device.get("/member/").status_code == 302


def test_change_password_needs_the_current_one(client):
    user = make_user()
    db.session.commit()
    client.post("/account/sign-in", data={"email": user.email, "password": PASSWORD})
    response = client.post(
        "/account/password",
        data={
            "current_password": "not-my-password",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert "Your current password is not right." in response.get_data(as_text=True)


def test_passwords_are_hashed_with_argon2id(app):
    user = make_user()
    assert user.password_hash.startswith("$argon2id$")
