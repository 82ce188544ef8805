"""Proof of membership: certificate and card PDFs with a QR code, and the public page that
says whether a membership is current and nothing else."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.extensions import db
from portal.membership.models import MembershipCheck


def _link(client) -> str:
    page = client.get("/member/membership").get_data(as_text=True)
    return re.search(r"http://localhost(/verify/membership/[\w-]+)", page).group(1)


def test_a_member_downloads_a_certificate_and_a_card(signed_in_as):
    client, user = signed_in_as("member", full_name="Zoë Ørsted")
    for url in ("/member/membership/certificate.pdf", "/member/membership/card.pdf"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF-")
        assert b"/Image" in response.data  # the QR code


def test_no_certificate_without_a_current_membership(signed_in_as):
    client, user = signed_in_as("member")
    user.membership.status = "lapsed"
    db.session.commit()
    assert client.get("/member/membership/certificate.pdf").status_code == 404


def test_a_visitor_sees_only_whether_the_membership_is_current(signed_in_as, client):
    member_client, user = signed_in_as("member", full_name="Priya Sharma")
    link = _link(member_client)
    page = client.get(link)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "This membership is current" in text
    assert "Priya" not in text and user.membership.membership_number not in text
    assert page.headers["Referrer-Policy"] == "no-referrer"
    user.membership.status = "lapsed"
    db.session.commit()
    assert "This membership is not current" in client.get(link).get_data(as_text=True)


def test_a_replaced_link_stops_working(signed_in_as, client):
    member_client, _ = signed_in_as("member")
    old = _link(member_client)
    assert member_client.post("/member/membership/check-link").status_code == 303
    new = _link(member_client)
    assert new != old
    assert client.get(old).status_code == 404
    assert "not valid" in client.get(old).get_data(as_text=True)
    assert client.get(new).status_code == 200


def test_links_are_unguessable_and_odd_tokens_are_a_plain_404(signed_in_as, client):
    member_client, _ = signed_in_as("member")
    _link(member_client)
    token = db.session.scalar(select(MembershipCheck.token))
    assert len(token) >= 32
    for probe in ("1", "x" * 70, "..%2f", token[:-1] + ("A" if token[-1] != "A" else "B")):
        assert client.get(f"/verify/membership/{probe}").status_code == 404
    assert client.get("/verify/membership/%00").status_code == 400  # refused before any page
