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


def test_the_certificate_and_card_say_name_number_grade_valid_until_and_carry_the_link(
    signed_in_as, monkeypatch
):
    from portal.membership import proof

    # The core font and no compression, so the PDF's text can be read as it is.
    monkeypatch.setattr(proof, "FONT_PATHS", ("/nowhere/a.ttf", "/nowhere/b.ttf"))
    original = proof._Document.__init__

    def plain(self, **kwargs):
        original(self, **kwargs)
        self.set_compression(False)

    monkeypatch.setattr(proof._Document, "__init__", plain)
    coded = []
    real_qr = proof._qr_png
    monkeypatch.setattr(proof, "_qr_png", lambda url: coded.append(url) or real_qr(url))

    client, user = signed_in_as("member", full_name="Priya Sharma")
    renewal = user.membership.renewal_date
    for url in ("/member/membership/certificate.pdf", "/member/membership/card.pdf"):
        data = client.get(url).data
        assert b"Priya Sharma" in data
        assert user.membership.membership_number.encode() in data
        assert b"Member" in data
        assert str(renewal.year).encode() in data and str(renewal.day).encode() in data
    link = _link(client)
    assert coded == [f"http://localhost{link}"] * 2
