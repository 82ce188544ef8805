"""Reprint requests (lost, damaged, wrong details) are requests of their own (issue #6)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from portal.certificates import services as completions
from portal.extensions import db
from portal.requests.models import ServiceRequest
from tests.approvals.helpers import make_centre_user, make_qualification
from tests.factories import make_user


def _centre(app, sign_in):
    """A signed-in user at an approved centre, and its qualification."""
    qualification = make_qualification()
    user = make_centre_user(qualifications=[qualification])
    db.session.commit()
    client = app.test_client()
    sign_in(client, user)
    return client, user, qualification


def _posted_certificate(user, qualification):
    completion = completions.record_completion(
        user.organisation,
        user,
        learner_name="Jo Bloggs",
        learner_ref="JB1",
        qualification_id=qualification.id,
        completed_on=date(2026, 9, 1),
        assessment_signed_off=True,
    )
    staff = make_user("staff")
    completions.sign_off([completion], staff, now=datetime(2026, 10, 1, 10, tzinfo=UTC))
    completions.mark_printed([completion])
    completions.mark_dispatched([completion], "uk-second")
    db.session.commit()
    return completion


def test_a_posted_certificate_can_be_reprinted_as_its_own_request(app, sign_in):
    client, user, qualification = _centre(app, sign_in)
    completion = _posted_certificate(user, qualification)
    page = client.get(f"/centre/learners/{completion.id}").get_data(as_text=True)
    assert "Ask for a reprint" in page
    response = client.post(
        f"/centre/learners/{completion.id}/reprint",
        data={"reason": "damaged", "body": "It arrived torn in half."},
    )
    assert response.status_code == 302
    db.session.expire_all()
    made = db.session.scalars(select(ServiceRequest)).one()
    assert made.kind == "certificate-reprint"
    assert made.promise_code == "certificate"
    assert made.reference.startswith("R-")
    assert made.organisation_id == user.organisation_id
    assert made.details["certificate_number"] == completion.certificate_number
    assert made.subject == f"Reprint of {completion.certificate_number} for Jo Bloggs (damaged)"
    listing = client.get("/centre/requests").get_data(as_text=True)
    assert made.reference in listing


def test_reprint_form_errors_and_other_centres(app, sign_in, signed_in_as):
    client, user, qualification = _centre(app, sign_in)
    completion = _posted_certificate(user, qualification)
    response = client.post(f"/centre/learners/{completion.id}/reprint", data={"body": ""})
    page = response.get_data(as_text=True)
    assert "Choose why a reprint is needed." in page
    intruder, _other = signed_in_as("centre")
    assert intruder.get(f"/centre/learners/{completion.id}/reprint").status_code == 404


def test_unposted_certificates_cannot_be_reprinted(app, sign_in):
    client, user, qualification = _centre(app, sign_in)
    completion = completions.record_completion(
        user.organisation,
        user,
        learner_name="Al",
        learner_ref="A1",
        qualification_id=qualification.id,
        completed_on=date(2026, 9, 1),
        assessment_signed_off=True,
    )
    db.session.commit()
    assert client.get(f"/centre/learners/{completion.id}/reprint").status_code == 404
