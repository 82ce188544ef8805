"""Each area is open to its own roles only, and every form needs its CSRF token."""

import pytest

from portal.extensions import db
from tests.conftest import PASSWORD
from tests.factories import make_user

AREAS = ["member", "employer", "centre", "staff", "admin"]
ALLOWED = {
    "member": {"member"},
    "employer": {"employer"},
    "centre": {"centre"},
    "staff": {"staff", "admin"},  # admins run the staff console too
    "admin": {"admin"},
}


@pytest.mark.parametrize("area", AREAS)
def test_every_role_against_every_area(signed_in_as, role, area):
    client, _user = signed_in_as(role)
    response = client.get(f"/{area}/")
    if role in ALLOWED[area]:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "You cannot see this page" in response.get_data(as_text=True)


@pytest.mark.parametrize("area", AREAS)
def test_anonymous_users_are_sent_to_sign_in(client, area):
    response = client.get(f"/{area}/")
    assert response.status_code == 302
    assert "/account/sign-in" in response.headers["Location"]


def test_each_role_lands_on_its_own_dashboard(client, role, sign_in):
    user = make_user(role)
    db.session.commit()
    response = sign_in(client, user)
    assert response.headers["Location"] == f"/{role}/"


@pytest.fixture
def csrf_client(app):
    app.config["WTF_CSRF_ENABLED"] = True
    make_user(email="csrf@example.test")
    db.session.commit()
    return app.test_client()


@pytest.mark.parametrize(
    "path",
    [
        "/account/sign-in",
        "/account/register",
        "/account/forgot-password",
        "/account/sign-out",
        "/account/verify/some-token",
    ],
)
def test_forms_without_a_csrf_token_are_refused(csrf_client, path):
    response = csrf_client.post(path, data={"email": "csrf@example.test", "password": PASSWORD})
    assert response.status_code == 400
    assert "nothing was saved" in response.get_data(as_text=True)


def test_form_with_its_csrf_token_is_accepted(csrf_client):
    import re

    page = csrf_client.get("/account/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = csrf_client.post(
        "/account/sign-in",
        data={"email": "csrf@example.test", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
