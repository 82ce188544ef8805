"""Administering employers and learning centres, and employers' support contacts (CHARTER §4)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.accounts.models import Organisation
from portal.extensions import db
from tests.factories import make_organisation, make_user


@pytest.fixture
def admin(signed_in_as):
    return signed_in_as("admin")[0]


def test_create_employer_with_support_contact_and_deputy(app, admin):
    support = make_user("staff", full_name="Sam Support")
    deputy = make_user("staff", full_name="Dee Deputy")
    make_user("member", full_name="Not Staff")
    db.session.commit()
    page = admin.get("/admin/organisations/new").get_data(as_text=True)
    assert "Sam Support" in page and "Dee Deputy" in page and "Not Staff" not in page
    response = admin.post("/admin/organisations/new", data={
        "kind": "employer", "name": " Acme Ltd ", "reference": "EMP-1", "address": "1 Road",
        "phone": "0161 000", "is_approved": "y", "support_contact": str(support.id),
        "deputy_contact": str(deputy.id),
    })
    assert response.status_code == 302
    org = db.session.scalar(select(Organisation).where(Organisation.reference == "EMP-1"))
    assert (org.name, org.kind, org.is_approved) == ("Acme Ltd", "employer", True)
    assert (org.support_contact_id, org.deputy_contact_id) == (support.id, deputy.id)
    listing = admin.get("/admin/organisations?q=acme").get_data(as_text=True)
    assert "Acme Ltd" in listing and "Sam Support" in listing and "Dee Deputy" in listing


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Enter the organisation&#39;s name."),
        ({"reference": "TAKEN-1"}, "Another organisation already has this reference."),
        ({"support_contact": "SAME", "deputy_contact": "SAME"},
         "The deputy must be someone other than the support contact."),
        ({"support_contact": "0", "deputy_contact": "SAME"},
         "Choose a support contact before a deputy."),
        ({"support_contact": "DISABLED"}, "Not a valid choice"),
        ({"support_contact": "123456"}, "Not a valid choice"),
        ({"kind": "club"}, "Not a valid choice"),
    ],
)
def test_organisation_validation_keeps_what_was_typed(app, admin, data, message):
    support = make_user("staff")
    gone = make_user("staff", is_enabled=False)
    make_organisation("employer", reference="TAKEN-1")
    db.session.commit()
    swap = {"SAME": str(support.id), "DISABLED": str(gone.id)}
    form = {"kind": "employer", "name": "Typed Name", "reference": "REF-9",
            "address": "Typed address", "phone": "0300 000", "support_contact": "0",
            "deputy_contact": "0", **data}
    form = {k: swap.get(v, v) for k, v in form.items()}
    response = admin.post("/admin/organisations/new", data=form)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and message in html
    assert "Typed address" in html and 'value="0300 000"' in html
    assert f'value="{form["reference"]}"' in html
    assert db.session.scalar(select(Organisation).where(Organisation.address == "Typed address")
                             ) is None


def test_edit_changes_contacts_but_never_the_kind(app, admin):
    first, second = make_user("staff"), make_user("admin")
    org = make_organisation("employer", name="Old Name", support_contact=first)
    db.session.commit()
    page = admin.get(f"/admin/organisations/{org.id}").get_data(as_text=True)
    assert 'value="Old Name"' in page
    assert re.search(rf'<option selected value="{first.id}">', page)
    response = admin.post(f"/admin/organisations/{org.id}", data={
        "kind": "centre", "name": "New Name", "support_contact": str(second.id),
        "deputy_contact": str(first.id),
    })
    assert response.status_code == 302
    db.session.expire_all()
    org = db.session.get(Organisation, org.id)
    assert (org.name, org.kind) == ("New Name", "employer")
    assert (org.support_contact_id, org.deputy_contact_id) == (second.id, first.id)
    assert admin.get("/admin/organisations/999999").status_code == 404


def test_centres_have_no_support_contacts(app, admin):
    staff = make_user("staff")
    db.session.commit()
    response = admin.post("/admin/organisations/new", data={
        "kind": "centre", "name": "Bright Centre", "support_contact": str(staff.id),
    })
    assert response.status_code == 302
    centre = db.session.scalar(select(Organisation).where(Organisation.name == "Bright Centre"))
    assert centre.support_contact_id is None
    page = admin.get(f"/admin/organisations/{centre.id}").get_data(as_text=True)
    assert "Dedicated support contact" not in page


def test_list_pages_by_keyset_and_filters_by_kind(app, admin, monkeypatch):
    from portal.admin import people

    for n in range(3):
        make_organisation("employer", name=f"Employer {n}")
    make_organisation("centre", name="Employer-like Centre")
    db.session.commit()
    monkeypatch.setattr(people, "PAGE_SIZE", 2)
    import portal.admin.organisations as organisations

    monkeypatch.setattr(organisations, "PAGE_SIZE", 2)
    html = admin.get("/admin/organisations?kind=employer").get_data(as_text=True)
    assert "Employer 0" in html and "Employer 1" in html and "Employer 2" not in html
    link = re.search(r'href="(/admin/organisations\?[^"]*after=\d+[^"]*)"', html).group(1)
    html = admin.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "Employer 2" in html and "Employer 0" not in html
    assert "Employer-like Centre" not in html
