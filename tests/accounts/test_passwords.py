"""ASVS 5.0 V6.2 (password security) and V11.4.2 (password storage)."""

import re

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.passwords import common_passwords, password_problem
from portal.extensions import db
from tests.conftest import PASSWORD, outbox_links
from tests.factories import make_user

pytestmark = [pytest.mark.asvs(chapter="V6"), pytest.mark.asvs(chapter="V11")]

GOOD = "plum tractor orbit lantern"


def _register(client, password, email="grace@example.test", name="Grace Hopper"):
    return client.post(
        "/account/register",
        data={"full_name": name, "email": email, "password": password, "confirm": password},
    )


def _registered(email="grace@example.test") -> bool:
    return db.session.scalar(select(User.id).where(User.email == email)) is not None


def test_v6_2_1_passwords_shorter_than_twelve_characters_are_refused(client):
    page = _register(client, "short-pass1").get_data(as_text=True)
    assert "must be 12 to 128 characters long" in page
    assert not _registered()
    assert password_problem("plum tracto") is not None
    assert password_problem("plum tractor") is None


@pytest.mark.parametrize("length", [64, 128])
def test_v6_2_9_passwords_of_at_least_64_characters_are_allowed(client, length):
    password = ("quiet lantern " * 20)[:length]
    assert _register(client, password).status_code == 200
    assert _registered()


def test_v6_2_4_common_passwords_are_refused_at_registration(client):
    assert "password1234" in common_passwords()
    assert len(common_passwords()) >= 3000
    page = _register(client, "Password1234").get_data(as_text=True)
    assert "one of the most common passwords" in page
    assert not _registered()


def test_v6_2_4_common_list_is_checked_on_password_change_too(client):
    user = make_user(email="rear.admiral@example.test")
    db.session.commit()
    client.post("/account/sign-in", data={"email": user.email, "password": PASSWORD})
    page = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": "qwerty123456", "confirm": "qwerty123456"},
    ).get_data(as_text=True)
    assert "one of the most common passwords" in page


def test_v6_2_5_any_composition_is_allowed(client):
    # Only lower-case letters and spaces: no rule asks for digits, capitals or symbols.
    assert _register(client, "plum tractor orbit").status_code == 200
    assert _registered()


def test_v6_2_11_context_specific_words_are_refused(client):
    for password in ("MemberPortal2026!", "membership-1234", "Portal 123456789"):
        page = _register(client, password).get_data(as_text=True)
        assert "name of this portal" in page, password
    assert not _registered()


def test_passwords_containing_the_email_name_or_full_name_are_refused(app, client):
    page = _register(client, "grace-1234567890", email="grace@example.test").get_data(as_text=True)
    assert "must not contain your email address" in page
    page = _register(client, "Hopper!!2026xx", email="gh@example.test").get_data(as_text=True)
    assert "must not be mostly your name" in page

    # The same rules apply when the password is reset from an emailed link.
    user = make_user(email="ada.lovelace@example.test", full_name="Ada Lovelace")
    db.session.commit()
    client.post("/account/forgot-password", data={"email": user.email})
    link = [x for x in outbox_links(user.email) if "/reset/" in x][-1]
    path = "/" + link.split("/", 3)[3]
    page = client.post(
        path, data={"password": "xada.lovelace-99", "confirm": "xada.lovelace-99"}
    ).get_data(as_text=True)
    assert "must not contain your email address" in page


@pytest.mark.parametrize(
    "path", ["/account/sign-in", "/account/register", "/account/password"]
)
def test_v6_2_6_and_v6_2_7_password_fields_are_masked_and_allow_paste(client, make_user, path):
    user = make_user()
    db.session.commit()
    if path == "/account/password":
        client.post("/account/sign-in", data={"email": user.email, "password": PASSWORD})
    page = client.get(path).get_data(as_text=True)
    fields = re.findall(r"<input[^>]*password[^>]*>", page)
    assert fields
    for tag in fields:
        if 'name="password"' in tag or "_password" in tag or 'name="confirm"' in tag:
            assert 'type="password"' in tag
            # Nothing blocks paste or password managers.
            assert "onpaste" not in tag and 'autocomplete="off"' not in tag


def test_v6_2_8_password_is_checked_exactly_as_typed(client):
    user = make_user(password="Exact Case Pass ")
    db.session.commit()
    for variant in ("exact case pass ", "Exact Case Pass", "EXACT CASE PASS "):
        response = client.post("/account/sign-in", data={"email": user.email, "password": variant})
        assert response.status_code == 200, variant
    response = client.post(
        "/account/sign-in", data={"email": user.email, "password": "Exact Case Pass "}
    )
    assert response.status_code == 302


def test_v11_4_2_passwords_use_argon2id_and_old_hashes_are_upgraded_on_sign_in(app, client):
    user = make_user()
    weak = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash(PASSWORD)
    user.password_hash = weak
    db.session.commit()
    assert client.post(
        "/account/sign-in", data={"email": user.email, "password": PASSWORD}
    ).status_code == 302
    db.session.expire_all()
    upgraded = db.session.get(User, user.id).password_hash
    assert upgraded != weak
    assert upgraded.startswith("$argon2id$")
    assert f"m={app.config['ARGON2_MEMORY_COST']}" in upgraded
