"""Issue #8 for the requests and centres areas: staff views of a customer's record and every
change to a request are audited (V16.2.1, V16.2.5); a member's requests are in their data
download and are anonymised by erasure, keeping the statistics (V14, UK GDPR)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta

from sqlalchemy import select

from portal.approvals import services as centre_services
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.privacy import services as privacy
from portal.requests import files, services
from portal.requests.models import Attachment, RequestEvent, ServiceRequest
from tests.approvals.helpers import complete_application, make_centre_user
from tests.factories import make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _entries(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    ))


def test_v16_2_1_staff_views_of_a_customers_record_are_audited(app, sign_in):
    member = make_user("member")
    staff = make_user("staff")
    query = services.submit_request("query", subject="Q", body="B", requester=member,
                                    uploads=[files.check_upload("a.pdf", PDF)]).request
    joining = services.submit_request("membership-application", subject="Join", body="Please",
                                      requester=member, details={"grade": "member"}).request
    contact = make_centre_user(approved=False)
    application = complete_application(contact)
    centre_services.submit_application(application, contact)
    db.session.commit()

    own = app.test_client()
    sign_in(own, member)
    assert own.get(f"/member/requests/{query.reference}").status_code == 200
    assert _entries("record.viewed") == []  # a customer reading their own is not recorded

    client = app.test_client()
    sign_in(client, staff)
    assert client.get(f"/staff/requests/{query.reference}").status_code == 200
    download = client.get(f"/staff/requests/{query.reference}/files/{query.attachments[0].id}")
    assert download.status_code == 200
    download.close()
    assert client.get(f"/staff/membership/{joining.reference}").status_code == 200
    assert client.get(f"/staff/centres/applications/{application.id}").status_code == 200
    views = [(e.actor_id, e.subject_user_id, e.target_type, e.target_id)
             for e in _entries("record.viewed")]
    assert views == [
        (staff.id, member.id, "service_request", str(query.id)),
        (staff.id, member.id, "attachment", str(query.attachments[0].id)),
        (staff.id, member.id, "service_request", str(joining.id)),
        (staff.id, contact.id, "centre_application", str(application.id)),
    ]
    assert all(e.ip_address == "127.0.0.1" and e.at is not None
               for e in _entries("record.viewed"))


def test_v16_2_1_every_change_to_a_request_is_audited_with_who_what_when_where(app, sign_in):
    member = make_user("member")
    staff = make_user("staff")
    db.session.commit()
    client = app.test_client()
    sign_in(client, member)
    response = client.post("/member/requests/new/question", data={
        "subject": "Lost certificate", "body": "Secret words in my message.",
        "submission_key": "k" * 22})
    assert response.status_code == 302
    r = db.session.scalar(select(ServiceRequest))
    assert client.post(f"/member/requests/{r.reference}/reply",
                       data={"reply-body": "More words."}).status_code == 302

    db.session.expire_all()
    r = db.session.get(ServiceRequest, r.id)
    staff = db.session.get(type(staff), staff.id)
    services.assign(r, staff, staff)
    services.add_internal_note(r, staff, "Looked it up.")
    services.staff_reply(r, staff, "Here is the answer.")
    services.propose_resolution_date(r, staff, date.today() + timedelta(days=30))
    services.resolve(r, staff)
    services.close(r, staff)
    db.session.commit()

    changes = _entries("request.changed")
    assert [e.details["event"] for e in changes] == [
        "submitted", "customer_reply", "assigned", "internal_note", "staff_reply",
        "resolution_proposed", "resolved", "closed",
    ]
    assert all(e.target_type == "service_request" and e.target_id == str(r.id)
               and e.subject_user_id == member.id and e.details["reference"] == r.reference
               for e in changes)
    assert [e.actor_id for e in changes[:2]] == [member.id, member.id]
    assert {e.actor_id for e in changes[2:]} == {staff.id}
    assert changes[0].ip_address == "127.0.0.1"  # made through the web: where is known
    assert changes[-1].details["status"] == "closed"
    logged = " ".join(f"{e.summary} {json.dumps(e.details)}" for e in changes)
    assert "Secret words" not in logged and "More words" not in logged


def test_v16_2_5_a_visitors_private_link_never_reaches_the_audit_log(app):
    made = services.submit_request("query", subject="Q", body="B", name="Vera Visitor",
                                   email="vera@example.test")
    db.session.commit()
    client = app.test_client()
    assert client.post(f"/r/{made.private_token}/reply",
                       data={"reply-body": "Thanks"}).status_code == 302
    assert client.get(f"/r/{made.private_token}x").status_code == 404
    db.session.expire_all()
    everything = [(e.summary, json.dumps(e.details), e.target_id)
                  for e in db.session.scalars(select(AuditEntry))]
    assert any("customer_reply" in details for _s, details, _t in everything)
    hashed = db.session.get(ServiceRequest, made.request.id).private_token_hash
    for value in (made.private_token, hashed):
        assert not any(value in " ".join(row) for row in everything)


def _request_with_everything(member, staff) -> ServiceRequest:
    r = services.submit_request("complaint", subject="Wrong grade", body="Fix it please.",
                                requester=member, phone="07700 900123",
                                details={"outcome": "A new certificate"},
                                uploads=[files.check_upload("evidence.pdf", PDF)]).request
    services.add_internal_note(r, staff, "Internal: customer was rude on the phone.")
    services.staff_reply(r, staff, "Sorted, new certificate posted.", resolves=True)
    services.rate_service(r, 4, "Quick and kind.", member)
    return r


def test_the_data_download_holds_the_members_requests_and_files_but_no_internal_notes(
    app, signed_in_as
):
    client, member = signed_in_as("member")
    staff = make_user("staff")
    r = _request_with_everything(member, staff)
    # A request they made without signing in, from the same address, is theirs too.
    services.submit_request("query", subject="Before I joined", body="Hello",
                            name=member.full_name, email=member.email)
    someone_else = services.submit_request("query", subject="Not yours", body="x",
                                           requester=make_user("member")).request
    db.session.commit()

    response = client.post("/account/my-data/")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    data = json.loads(archive.read("data.json"))
    rows = {row["reference"]: row for row in data["requests"]}
    assert set(rows) == {r.reference, f"Q-{r.received_at.year}-{r.id + 1:06d}"}
    assert someone_else.reference not in rows
    mine = rows[r.reference]
    assert mine["message"] == "Fix it please." and mine["your_phone"] == "07700 900123"
    assert mine["your_rating"] == 4 and mine["your_rating_comment"] == "Quick and kind."
    said = [step["message"] for step in mine["timeline"]]
    assert "Sorted, new certificate posted." in said
    assert "Internal: customer was rude on the phone." not in archive.read("data.json").decode()
    [attached] = mine["files"]
    assert archive.read(attached["file_in_this_zip"]) == PDF


def test_erasure_anonymises_requests_and_keeps_their_statistics(app):
    member = make_user("member", full_name="Mary Seacole", phone="0123 456")
    staff = make_user("staff")
    r = _request_with_everything(member, staff)
    visitor = services.submit_request("query", subject="Before I joined", body="Hello",
                                      name="Mary Seacole", email=member.email).request
    other = services.submit_request("query", subject="Keep me", body="Not Mary's",
                                    requester=make_user("member")).request
    db.session.commit()
    stored = files.path_of(r.attachments[0].stored_name)
    kind, received, rating, resolved = r.kind, r.received_at, r.satisfaction_rating, r.resolved_at

    privacy.anonymise_user(member)
    assert stored.is_file()  # nothing leaves the disk until the erasure commits
    db.session.commit()

    db.session.expire_all()
    r = db.session.get(ServiceRequest, r.id)
    assert (r.requester_name, r.requester_phone, r.subject, r.body, r.details) == (
        "Erased person", "", "Erased", "", {})
    assert "Mary" not in r.requester_email and "@erased.invalid" in r.requester_email
    assert r.satisfaction_comment == ""
    assert (r.kind, r.received_at, r.satisfaction_rating, r.resolved_at) == (
        kind, received, rating, resolved)
    events = db.session.scalars(select(RequestEvent).where(RequestEvent.request_id == r.id))
    assert all(e.body == "" for e in events)
    assert db.session.scalars(select(Attachment)).all() == []
    assert not stored.exists()
    visitor = db.session.get(ServiceRequest, visitor.id)
    assert visitor.private_token_hash is None and visitor.requester_name == "Erased person"
    assert db.session.get(ServiceRequest, other.id).body == "Not Mary's"


def test_a_centre_contacts_details_are_exported_and_erased(app, sign_in):
    contact = make_centre_user(approved=False)
    client = app.test_client()
    application = centre_services.start_application(contact.organisation, contact)
    centre_services.save_step(application, "contacts", {
        "head_name": "Ada Lovelace", "head_email": contact.email.upper(),
        "head_phone": "0117 496 0000",
        "quality_name": "Grace Hopper", "quality_email": "grace@example.test"})
    db.session.commit()
    sign_in(client, contact)
    data = json.loads(zipfile.ZipFile(io.BytesIO(client.post("/account/my-data/").data))
                      .read("data.json"))
    [named] = data["centres"]["named_as_contact"]
    assert (named["as"], named["name"], named["phone"]) == (
        "head of centre", "Ada Lovelace", "0117 496 0000")
    assert "Grace Hopper" not in json.dumps(data)

    privacy.anonymise_user(contact)
    db.session.commit()
    db.session.expire_all()
    application = db.session.get(type(application), application.id)
    assert (application.head_name, application.head_email, application.head_phone) == (
        "Erased person", "", "")
    assert application.quality_name == "Grace Hopper"
