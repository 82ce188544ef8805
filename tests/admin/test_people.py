"""Administering people: search, staff accounts, roles, disabling (issue #5)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.notify.models import OutboxMessage
from tests.conftest import outbox_links
from tests.factories import make_organisation, make_user


@pytest.fixture
def admin(signed_in_as):
    return signed_in_as("admin", full_name="Ada Admin")


def test_only_admins_reach_admin_pages(app, signed_in_as, client):
    urls = ["/admin/", "/admin/users", "/admin/users/new", "/admin/organisations",
            "/admin/organisations/new"]
    for url in urls:
        assert client.get(url).status_code == 302
    for role in ("member", "employer", "centre", "staff"):
        other, _ = signed_in_as(role)
        for url in urls:
            assert other.get(url).status_code == 403, (role, url)
        assert other.post("/admin/users/new", data={"full_name": "X"}).status_code == 403


def test_dashboard_links_everything(admin):
    client, _ = admin
    html = client.get("/admin/").get_data(as_text=True)
    for href in ("/admin/users", "/admin/organisations", "/admin/calendar", "/admin/promises",
                 "/staff/performance"):
        assert f'href="{href}"' in html


def test_search_and_keyset_pages(app, admin, monkeypatch):
    client, _ = admin
    for n in range(5):
        make_user("member", full_name=f"Zed Person {n}", email=f"zed{n}@example.test")
    make_user("staff", full_name="Zed Staffer", email="staffer@example.test")
    make_user("member", full_name="Percent 100% Sure", email="pct@example.test")
    db.session.commit()
    from portal.admin import people

    monkeypatch.setattr(people, "PAGE_SIZE", 2)
    html = client.get("/admin/users?q=ZED&role=member").get_data(as_text=True)
    assert "Zed Person 0" in html and "Zed Person 1" in html and "Zed Person 2" not in html
    assert "Zed Staffer" not in html
    link = re.search(r'href="(/admin/users\?[^"]*after=\d+[^"]*)"', html).group(1)
    html = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "Zed Person 2" in html and "Zed Person 3" in html and "Zed Person 1" not in html
    assert "First page" in html
    # Matching by email, and a % in the search is a literal character, not a wildcard.
    assert "Zed Staffer" in client.get("/admin/users?q=staffer@").get_data(as_text=True)
    html = client.get("/admin/users?q=100%25").get_data(as_text=True)
    assert "Percent 100% Sure" in html and "Zed Person" not in html
    assert client.get("/admin/users?after=abc").status_code == 404
    html = client.get("/admin/users?q=" + "x" * 101).get_data(as_text=True)
    assert "There is a problem" in html


def test_create_staff_account_emails_a_password_link(app, admin, client):
    admin_client, _ = admin
    response = admin_client.post("/admin/users/new", data={
        "full_name": " Nia Newstaff ", "email": "Nia@Example.TEST", "role": "staff",
        "job_title": "Adviser", "phone": "020 7946 0999",
    })
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "nia@example.test"))
    assert (user.full_name, user.role, user.job_title) == ("Nia Newstaff", "staff", "Adviser")
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == user.email))
    assert mail.subject == "Your Member Services staff account"
    assert "3 days" in mail.body_text
    [link] = outbox_links(user.email)
    path = urlsplit(link).path
    # The link lets them choose a password, and then sign in.
    page = client.get(path)
    assert page.status_code == 200
    response = client.post(path, data={"password": "a-brand-new-password",
                                       "confirm": "a-brand-new-password"})
    assert response.status_code == 302
    assert client.post("/account/sign-in", data={
        "email": "nia@example.test", "password": "a-brand-new-password"}).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"full_name": "", "email": "x@example.test", "role": "staff"}, "Enter their full name."),
        ({"full_name": "Kim", "email": "not-an-email", "role": "staff"},
         "Enter an email address in the right format"),
        ({"full_name": "Kim", "email": "taken@example.test", "role": "admin"},
         "Someone already has an account with this email address."),
        ({"full_name": "Kim", "email": "kim@example.test", "role": "member"},
         "Not a valid choice"),
    ],
)
def test_create_staff_validation_keeps_what_was_typed(app, admin, data, message):
    client, _ = admin
    make_user("member", email="taken@example.test")
    db.session.commit()
    data = {"job_title": "Typed title", "phone": "01234 567890", **data}
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and message in html
    assert 'value="Typed title"' in html and 'value="01234 567890"' in html
    if data["full_name"]:
        assert f'value="{data["full_name"]}"' in html
    assert db.session.scalar(select(User).where(User.email == "kim@example.test")) is None


def test_change_role_ends_sessions(app, admin, signed_in_as):
    admin_client, _ = admin
    staff_client, staff = signed_in_as("staff")
    assert staff_client.get("/staff/").status_code == 200
    response = admin_client.post(f"/admin/users/{staff.id}", data={
        "full_name": staff.full_name, "role": "admin", "organisation": "0",
        "job_title": "Lead", "phone": "",
    })
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, staff.id).role == "admin"
    assert staff_client.get("/staff/").status_code == 302  # signed out: back to sign in


def test_contacts_need_an_organisation_of_their_kind(app, admin):
    client, _ = admin
    person = make_user("member", full_name="Mo Member")
    employer = make_organisation("employer", name="Acme Employer")
    centre = make_organisation("centre", name="Bright Centre")
    db.session.commit()
    url = f"/admin/users/{person.id}"
    html = client.post(url, data={"full_name": "Mo Member", "role": "employer",
                                  "organisation": str(centre.id), "job_title": "Typed"}
                       ).get_data(as_text=True)
    assert "Choose an employer for this contact." in html
    assert 'value="Typed"' in html
    assert f'<option selected value="{centre.id}">' in html or (
        f'value="{centre.id}" selected' in html
    )
    html = client.post(url, data={"full_name": "Mo Member", "role": "staff",
                                  "organisation": str(employer.id)}).get_data(as_text=True)
    assert "Only employer and centre contacts belong to an organisation." in html
    assert client.post(url, data={"full_name": "Mo Member", "role": "employer",
                                  "organisation": str(employer.id)}).status_code == 302
    db.session.expire_all()
    moved = db.session.get(User, person.id)
    assert (moved.role, moved.organisation_id) == ("employer", employer.id)
    assert client.post(url, data={"full_name": "Mo", "role": "member",
                                  "organisation": "999999"}).status_code == 200  # not a choice
    assert client.get("/admin/users/999999").status_code == 404


def test_disable_signs_out_and_refuses_sign_in(app, admin, signed_in_as, sign_in, client):
    admin_client, _ = admin
    staff_client, staff = signed_in_as("staff")
    response = admin_client.post(f"/admin/users/{staff.id}/enabled", data={"enable": "0"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, staff.id).is_enabled is False
    assert staff_client.get("/staff/").status_code == 302
    refused = client.post("/account/sign-in", data={"email": staff.email,
                                                    "password": "correct-horse-battery"})
    assert refused.status_code == 200
    admin_client.post(f"/admin/users/{staff.id}/enabled", data={"enable": "1"})
    sign_in(client, staff)


def test_admins_cannot_lock_themselves_or_everyone_out(app, admin):
    client, me = admin
    response = client.post(f"/admin/users/{me.id}/enabled", data={"enable": "0"},
                           follow_redirects=True)
    assert "You cannot disable your own account." in response.get_data(as_text=True)
    html = client.post(f"/admin/users/{me.id}", data={
        "full_name": me.full_name, "role": "staff", "organisation": "0"}).get_data(as_text=True)
    assert "You cannot take away your own administrator role." in html
    db.session.expire_all()
    assert db.session.get(User, me.id).role == "admin"
    assert db.session.get(User, me.id).is_enabled


def test_support_duties_shown_on_the_person(app, admin):
    client, _ = admin
    staff = make_user("staff", full_name="Sam Support")
    make_organisation("employer", name="Northbridge", support_contact=staff)
    db.session.commit()
    html = client.get(f"/admin/users/{staff.id}").get_data(as_text=True)
    assert "Support contact or deputy for:" in html and "Northbridge" in html


def test_admin_forms_need_their_csrf_token(app, make_user, sign_in):
    admin = make_user("admin")
    target = make_user("staff")
    db.session.commit()
    client = app.test_client()
    sign_in(client, admin)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/admin/users/{target.id}/enabled", data={"enable": "0"}
                       ).status_code == 400
    html = client.post("/admin/users/new", data={
        "full_name": "A", "email": "a@example.test", "role": "staff"}).get_data(as_text=True)
    assert "This form had expired" in html
    db.session.expire_all()
    assert db.session.get(User, target.id).is_enabled
    assert db.session.scalar(select(User).where(User.email == "a@example.test")) is None
