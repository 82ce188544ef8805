"""Applications and upgrades ask for exactly the evidence the grade needs, refuse an
incomplete one saying what is missing, and staff see a checklist when deciding."""

from __future__ import annotations

import io

from sqlalchemy import select

from portal.extensions import db
from portal.requests.models import ServiceRequest
from portal.settings.membership import membership_settings

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _applicant(signed_in_as):
    client, user = signed_in_as("member")
    user.membership.status, user.membership.membership_number = "applicant", None
    db.session.commit()
    return client, user


def test_the_form_shows_the_grade_and_asks_for_exactly_its_evidence(signed_in_as):
    client, _ = _applicant(signed_in_as)
    chooser = client.get("/member/requests/new/application").get_data(as_text=True)
    assert "Apply for Fellow" in chooser and "£145.00 a year" in chooser
    page = client.get("/member/requests/new/application?grade=fellow").get_data(as_text=True)
    assert "What Fellow needs" in page
    assert "Ten years&#39; senior practice" in page
    for item in ("Your CV", "A statement of your contribution", "Two references"):
        assert f">{item}</label>" in page
    assert 'name="evidence_3"' not in page


def test_an_incomplete_application_is_refused_saying_what_is_missing(signed_in_as):
    client, _ = _applicant(signed_in_as)
    response = client.post(
        "/member/requests/new/application?grade=member",
        data={
            "grade": "member",
            "body": "Degree and CV attached.",
            "submission_key": "b" * 22,
            "evidence_0": (io.BytesIO(PDF), "degree.pdf"),
        },
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert "Attach the evidence: Your CV." in page
    assert "Attach the evidence: A copy of your highest qualification." not in page
    assert "Degree and CV attached." in page  # what was typed is kept
    assert db.session.scalar(select(ServiceRequest.id)) is None


def test_a_complete_application_keeps_a_checklist_staff_see(signed_in_as, staff_client):
    client, _ = _applicant(signed_in_as)
    response = client.post(
        "/member/requests/new/application",
        data={
            "grade": "member",
            "body": "Degree and CV attached.",
            "submission_key": "c" * 22,
            "evidence_0": (io.BytesIO(PDF), "degree.pdf"),
            "evidence_1": (io.BytesIO(PDF), "cv.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    made = db.session.scalars(select(ServiceRequest)).one()
    assert [e["files"] for e in made.details["evidence"]] == [["degree.pdf"], ["cv.pdf"]]
    assert len(made.attachments) == 2
    page = staff_client.get(f"/staff/membership/{made.reference}").get_data(as_text=True)
    assert "Checklist against the grade" in page
    assert "A copy of your highest qualification (degree.pdf)" in page
    assert "A degree-level qualification" in page


def test_the_evidence_is_what_the_administrator_set(signed_in_as):
    row = membership_settings(for_update=True)
    row.grades = {
        "affiliate": {
            "fee_pence": 1000,
            "criteria": "Anyone keen.",
            "evidence": ["A short personal statement"],
        }
    }
    db.session.commit()
    client, _ = _applicant(signed_in_as)
    page = client.get("/member/requests/new/application?grade=affiliate").get_data(as_text=True)
    assert "Anyone keen." in page and ">A short personal statement</label>" in page


def test_an_upgrade_offers_only_higher_grades_and_their_evidence(signed_in_as):
    client, _ = signed_in_as("member")
    page = client.get("/member/requests/new/upgrade?grade=affiliate").get_data(as_text=True)
    assert "What Affiliate needs" not in page and "Apply for Fellow" in page
    page = client.get("/member/requests/new/upgrade?grade=fellow").get_data(as_text=True)
    assert "What Fellow needs" in page and ">Two references</label>" in page
