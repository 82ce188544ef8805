"""Personal data: download everything held about you; erasure within one calendar month."""

import io
import json
import zipfile
from datetime import date

import pytest
import time_machine
from sqlalchemy import select

from portal.accounts.models import TwoFactor, User
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.privacy import registry, services
from portal.privacy.models import ErasureRequest
from tests.conftest import PASSWORD
from tests.factories import make_user

pytestmark = pytest.mark.asvs(chapter="V14")


def _download(client):
    response = client.post("/account/my-data/")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="my-data-')
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return archive, json.loads(archive.read("data.json"))


def test_a_member_downloads_everything_held_about_them(signed_in_as):
    client, user = signed_in_as("member", full_name="Mary Seacole", phone="01234 567890")
    archive, data = _download(client)
    assert data["account"]["full_name"] == "Mary Seacole"
    assert data["account"]["phone"] == "01234 567890"
    assert data["membership"]["membership_number"] == user.membership.membership_number
    assert any(e["action"] == "auth.sign_in" for e in data["audit_log"])
    assert len(data["sessions"]) == 1
    dump = archive.read("data.json").decode()
    # Nothing that would let someone sign in as them.
    for secret in (user.password_hash, user.session_token, PASSWORD):
        assert secret not in dump
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.export"))


def test_other_areas_contribute_rows_and_files_through_the_registry(signed_in_as):
    @registry.register_exporter("test_area")
    def _export(user):
        return registry.ExportPart(
            rows=[{"owner": user.id}], files=[("../../etc/letter.txt", b"Dear Mary")]
        )

    try:
        client, user = signed_in_as("member")
        archive, data = _download(client)
        assert data["test_area"] == [{"owner": user.id}]
        # Path parts that climb out of the folder are dropped (V5.3.2).
        assert archive.read("files/etc/letter.txt") == b"Dear Mary"
    finally:
        registry.EXPORTERS.pop("test_area")


def test_other_roles_download_their_data_too(signed_in_as):
    client, _ = signed_in_as("employer")
    _, data = _download(client)
    assert data["account"]["organisation"]


def test_another_persons_data_is_never_in_the_export(signed_in_as):
    other = make_user(full_name="Someone Else")
    db.session.commit()
    client, _ = signed_in_as("member")
    _, data = _download(client)
    assert "Someone Else" not in json.dumps(data)
    assert other.email not in json.dumps(data)


@pytest.mark.parametrize(
    ("asked", "due"),
    [
        (date(2026, 3, 10), date(2026, 4, 10)),
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),
        (date(2026, 12, 15), date(2027, 1, 15)),
    ],
)
def test_erasure_is_due_one_calendar_month_after_the_request(asked, due):
    assert services.one_calendar_month_after(asked) == due


def test_member_asks_for_erasure_and_staff_carry_it_out(app, signed_in_as, sign_in):
    with time_machine.travel("2026-01-31 10:00Z", tick=False):
        client, member = signed_in_as("member", full_name="Mary Seacole", phone="0123")
        page = client.post("/account/my-data/erase", data={"reason": ""}).get_data(as_text=True)
        assert "Tick the box to confirm" in page
        page = client.post(
            "/account/my-data/erase", data={"reason": "Moving abroad", "understood": "y"}
        ).get_data(as_text=True)
        assert "We will erase your data by Saturday 28 February 2026" in page
        # Asking twice makes no second request.
        page = client.get("/account/my-data/erase").get_data(as_text=True)
        assert "You have already asked us" in page

        staff_client, staff = signed_in_as("staff")
        page = staff_client.get("/staff/erasure-requests").get_data(as_text=True)
        assert "Mary Seacole" in page and "Saturday 28 February 2026" in page
        row = db.session.scalar(select(ErasureRequest))
        old_email = member.email
        grade, status = member.membership.grade, member.membership.status
        # Erasing cannot be undone: the page says what will be lost and asks to confirm.
        page = staff_client.get(f"/staff/erasure-requests/{row.id}").get_data(as_text=True)
        assert "This cannot be undone" in page and "Mary Seacole" in page
        assert "can never sign in again" in page
        refused = staff_client.post(f"/staff/erasure-requests/{row.id}")
        assert refused.status_code == 200
        assert "Tick the box to confirm the erasure." in refused.get_data(as_text=True)
        assert db.session.get(User, member.id).full_name == "Mary Seacole"
        assert staff_client.post(f"/staff/erasure-requests/{row.id}",
                                 data={"confirm": "y"}).status_code == 302

    db.session.expire_all()
    erased = db.session.get(User, member.id)
    assert erased.full_name == "Erased person"
    assert erased.email.endswith("@erased.invalid") and erased.phone == ""
    assert not erased.is_enabled
    assert erased.membership.membership_number is None
    # Statistics are kept.
    assert (erased.membership.grade, erased.membership.status) == (grade, status)
    assert db.session.get(ErasureRequest, row.id).status == "done"
    # The erased person is signed out and cannot sign in again.
    assert client.get("/member/").status_code == 302
    response = client.post(
        "/account/sign-in", data={"email": old_email, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "email address or password is not right" in response.get_data(as_text=True)
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"privacy.erasure_requested", "privacy.erasure_carried_out"} <= actions


def test_erasure_removes_second_factor_and_runs_every_areas_eraser(app):
    seen = []
    registry.ERASERS["test_area"] = seen.append
    try:
        member = make_user("member", two_factor=True)
        db.session.commit()
        services.anonymise_user(member)
        db.session.commit()
    finally:
        registry.ERASERS.pop("test_area")
    assert seen == [member]
    assert db.session.get(TwoFactor, member.id) is None


def test_members_cannot_reach_the_staff_erasure_list(signed_in_as):
    client, _ = signed_in_as("member")
    assert client.get("/staff/erasure-requests").status_code == 403
    assert client.post("/staff/erasure-requests/1").status_code == 403


def test_visitors_are_sent_to_sign_in(client):
    assert client.get("/account/my-data/").status_code == 302
