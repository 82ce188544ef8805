"""Administrators choose the payment providers, the grace period and each grade's fee,
criteria and evidence."""

from __future__ import annotations

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.settings.membership import grace_days, grades, switched_on_providers


def _form(**changes) -> dict:
    data = {"stripe": "y", "grace_days": "30"}
    for code, grade in grades().items():
        data[f"{code}_fee"] = f"{grade.fee_pence / 100:.2f}"
        data[f"{code}_criteria"] = grade.criteria
        data[f"{code}_evidence"] = "\n".join(grade.evidence)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_an_administrator_changes_providers_grace_and_a_grade(admin_client):
    page = admin_client.get("/admin/membership-settings").get_data(as_text=True)
    assert "Card (Stripe)" in page and "Not set up on this server" in page
    response = admin_client.post(
        "/admin/membership-settings",
        data=_form(
            demo="y",
            grace_days="14",
            member_fee="99.50",
            member_evidence="Your CV\n\nA reference\n",
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert switched_on_providers() == ["stripe", "demo"]
    assert grace_days() == 14
    member = grades()["member"]
    assert (member.fee_pence, member.evidence) == (9950, ("Your CV", "A reference"))
    assert db.session.scalar(
        select(AuditEntry.id).where(AuditEntry.action == "settings.membership")
    )


def test_bad_values_come_back_with_what_was_typed(admin_client):
    response = admin_client.post(
        "/admin/membership-settings", data=_form(grace_days="400", fellow_fee="lots")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter a whole number of days from 0 to 180." in page
    assert 'value="400"' in page


def test_only_administrators(staff_client, member_client):
    assert staff_client.get("/admin/membership-settings").status_code in (403, 404)
    assert member_client.get("/admin/membership-settings").status_code in (403, 404)
