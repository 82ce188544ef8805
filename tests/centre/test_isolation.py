"""Organisation isolation: a centre sees only its own applications, learners, certificates,
documents and exports. Another centre's ids answer 404, as if they did not exist."""

from __future__ import annotations

import re

import pytest

from portal.approvals import services
from portal.approvals.models import CentreDocument
from portal.extensions import db
from tests.approvals.helpers import (
    complete_application,
    make_centre_user,
    make_completion,
    make_qualification,
)


@pytest.fixture
def two_centres(app, sign_in):
    qualification = make_qualification()
    mine = make_centre_user(qualifications=[qualification])
    theirs = make_centre_user(qualifications=[qualification])
    mine_learner = make_completion(mine, qualification, learner_name="Mina Mine")
    their_learner = make_completion(theirs, qualification, learner_name="Theo Theirs")
    applying = make_centre_user(approved=False)
    other_applying = make_centre_user(approved=False)
    my_application = complete_application(applying)
    their_application = complete_application(other_applying)
    services.submit_application(their_application, other_applying)
    db.session.commit()
    return {
        "mine": mine,
        "applying": applying,
        "mine_learner": mine_learner,
        "their_learner": their_learner,
        "my_application": my_application,
        "their_application": their_application,
        "their_document": their_application.documents[0],
        "sign_in": sign_in,
        "app": app,
    }


def _client(ctx, user):
    client = ctx["app"].test_client()
    ctx["sign_in"](client, user)
    return client


def test_another_centres_learner_is_not_found(two_centres):
    client = _client(two_centres, two_centres["mine"])
    assert client.get(f"/centre/learners/{two_centres['mine_learner'].id}").status_code == 200
    assert client.get(f"/centre/learners/{two_centres['their_learner'].id}").status_code == 404
    assert client.get("/centre/learners/999999").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/centre/learners",
        "/centre/learners?q=theo",
        "/centre/learners?status=recorded",
        "/centre/learners.csv",
        "/centre/learners.csv?q=theo",
        "/centre/",
    ],
)
def test_lists_and_exports_hold_only_the_centres_own_learners(two_centres, path):
    client = _client(two_centres, two_centres["mine"])
    body = client.get(path).get_data(as_text=True)
    assert "Theo Theirs" not in body
    if "q=" not in path and path != "/centre/":
        assert "Mina Mine" in body


def test_another_centres_document_cannot_be_downloaded_or_removed(two_centres):
    client = _client(two_centres, two_centres["applying"])
    mine = two_centres["my_application"].documents[0]
    own = client.get(f"/centre/application/documents/{mine.id}")
    assert own.status_code == 200
    own.close()
    theirs = two_centres["their_document"]
    assert client.get(f"/centre/application/documents/{theirs.id}").status_code == 404
    assert client.post(f"/centre/application/documents/{theirs.id}/remove").status_code == 404
    db.session.expire_all()
    assert db.session.get(CentreDocument, theirs.id) is not None


def test_the_application_pages_show_only_the_centres_own_application(two_centres):
    client = _client(two_centres, two_centres["applying"])
    mine, theirs = two_centres["my_application"], two_centres["their_application"]
    page = client.get("/centre/application").get_data(as_text=True)
    assert mine.reference in page and theirs.reference not in page
    assert client.get("/centre/application/status.json").json["reference"] == mine.reference
    for path in ("/centre/application/documents", "/centre/application/step/contacts"):
        body = client.get(path).get_data(as_text=True)
        assert theirs.reference not in body
        assert not re.search(rf"/documents/{two_centres['their_document'].id}\b", body)


def test_an_approved_centre_with_no_application_gets_404_for_its_parts(two_centres):
    client = _client(two_centres, two_centres["mine"])
    assert client.get("/centre/application/status.json").status_code == 404
    assert client.get("/centre/application/documents").status_code == 404
    assert client.get("/centre/application/step/organisation").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/staff/centres/",
        "/staff/centres/certificates",
        "/staff/centres/applications/1",
        "/staff/centres/documents/1",
        "/staff/centres/certificates/1",
    ],
)
def test_centre_users_cannot_reach_staff_pages(two_centres, path):
    client = _client(two_centres, two_centres["mine"])
    assert client.get(path).status_code == 403


def test_a_centre_user_without_an_organisation_gets_404(app, sign_in, make_user):
    user = make_user("centre")
    user.organisation = None
    db.session.commit()
    client = app.test_client()
    sign_in(client, user)
    assert client.get("/centre/application").status_code == 404
    assert client.get("/centre/learners").status_code == 404
    assert client.get("/centre/").status_code == 200
