"""Every centre and staff form needs its CSRF token."""

from __future__ import annotations

import pytest

from portal.extensions import db
from tests.approvals.helpers import make_centre_user
from tests.conftest import PASSWORD
from tests.factories import make_user

CENTRE_POSTS = [
    "/centre/application/start",
    "/centre/application/step/organisation",
    "/centre/application/documents",
    "/centre/application/documents/1/remove",
    "/centre/application/submit",
    "/centre/application/respond",
    "/centre/learners/new",
    "/centre/learners/upload",
]
STAFF_POSTS = [
    "/staff/centres/applications/1/request-info",
    "/staff/centres/applications/1/approve",
    "/staff/centres/applications/1/decline",
    "/staff/centres/certificates/bulk",
    "/staff/centres/certificates/1/sign-off",
    "/staff/centres/certificates/1/dispatch",
]


def _signed_in(app, user):
    client = app.test_client()
    # Sign in with CSRF off, then turn it on for the request under test.
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.post("/account/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    app.config["WTF_CSRF_ENABLED"] = True
    return client


@pytest.mark.parametrize("path", CENTRE_POSTS + ["/centre-application/start"])
def test_centre_forms_without_a_token_are_refused(app, path):
    user = make_centre_user(approved=path.startswith("/centre/learners"))
    db.session.commit()
    client = _signed_in(app, user) if path.startswith("/centre/") else app.test_client()
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(path, data={"message": "x", "learner_name": "x"})
    assert response.status_code == 400
    assert "nothing was saved" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", STAFF_POSTS)
def test_staff_forms_without_a_token_are_refused(app, path):
    user = make_user("staff")
    db.session.commit()
    client = _signed_in(app, user)
    response = client.post(path, data={"message": "x", "reasons": "x"})
    assert response.status_code == 400
