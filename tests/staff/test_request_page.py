"""The staff request page: what it shows and every action through the browser's forms."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.requests import services
from portal.requests.models import EventKind, ServiceRequest, Status
from portal.staff.models import ReusableReply
from tests.factories import make_user
from tests.requests.conftest import upload

THU_10AM = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def reload(request: ServiceRequest) -> ServiceRequest:
    db.session.expire_all()
    return db.session.get(ServiceRequest, request.id)


def versioned(client, request: ServiceRequest, prefix: str) -> dict:
    """The hidden fields a form on the page carries, read from the page as a browser would."""
    where = "membership" if prefix == "decision" else "requests"
    page = client.get(f"/staff/{where}/{request.reference}").get_data(as_text=True)
    fields = {}
    for name in ("version", "seen_event"):
        found = re.search(rf'name="{prefix}-{name}" type="hidden" value="(\d*)"', page)
        fields[f"{prefix}-{name}"] = found.group(1)
    return fields


def act(client, request: ServiceRequest, action: str, **data):
    form = versioned(client, request, action)
    form.update({f"{action}-{k}": v for k, v in data.items()})
    return client.post(f"/staff/requests/{request.reference}/{action}", data=form)


def emails_to(address: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == address)
            .order_by(OutboxMessage.id)
        )
    )


@pytest.fixture
def thursday_10am():
    """Frozen before the staff member signs in: staff sessions end after 30 idle minutes."""
    with time_machine.travel(THU_10AM, tick=False):
        yield


@pytest.fixture
def staff_and_member(signed_in_as):
    client, staff = signed_in_as("staff")
    member = make_user("member", full_name="Priya Sharma", email="priya@example.test")
    db.session.commit()
    return client, staff, member


def test_page_shows_customer_other_requests_and_marks_internal_notes(staff_and_member, submit):
    client, staff, member = staff_and_member
    older = submit("query", requester=member, subject="Old question").request
    r = submit(
        "complaint",
        requester=member,
        subject="Wrong grade",
        details={"outcome_wanted": "Reissue it"},
        uploads=[upload("evidence.pdf")],
    ).request
    services.add_internal_note(r, staff, "Checked the exam record: they passed.")
    db.session.commit()
    page = client.get(f"/staff/requests/{r.reference}").get_data(as_text=True)
    for text in (
        "Priya Sharma",
        "priya@example.test",
        older.reference,
        "Old question",
        "Reissue it",
        "evidence.pdf",
        "Checked the exam record",
        "Internal note — not shown to the customer",
        "First reply",
    ):
        assert text in page, text
    # The member's own page never shows the note.
    member_client = client.application.test_client()
    from tests.conftest import PASSWORD

    member_client.post("/account/sign-in", data={"email": member.email, "password": PASSWORD})
    mine = member_client.get(f"/member/requests/{r.reference}").get_data(as_text=True)
    assert "Checked the exam record" not in mine and "Wrong grade" in mine
    # Staff download the customer's file.
    file_id = r.attachments[0].id
    download = client.get(f"/staff/requests/{r.reference}/files/{file_id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert "attachment" in download.headers["Content-Disposition"]
    download.close()
    assert client.get(f"/staff/requests/{r.reference}/files/{file_id + 99}").status_code == 404


def test_unknown_references_and_actions_are_404_and_customers_are_refused(signed_in_as, submit):
    client, _ = signed_in_as("staff")
    r = submit("query").request
    db.session.commit()
    assert client.get("/staff/requests/Q-2026-999999").status_code == 404
    assert client.post(f"/staff/requests/{r.reference}/explode").status_code == 404
    member, _ = signed_in_as("member")
    assert member.get(f"/staff/requests/{r.reference}").status_code == 403
    assert (
        member.post(f"/staff/requests/{r.reference}/note", data={"note-body": "x"}).status_code
        == 403
    )


def test_reusable_reply_prefills_the_reply_without_javascript(staff_and_member, submit):
    client, _staff, member = staff_and_member
    r = submit("query", requester=member).request
    mine = ReusableReply(
        kind="query",
        title="Certificate timing",
        body="Certificates are posted within 15 working days.",
    )
    other = ReusableReply(kind="complaint", title="Apology", body="We are sorry.")
    db.session.add_all([mine, other])
    db.session.commit()
    page = client.get(f"/staff/requests/{r.reference}").get_data(as_text=True)
    assert "Certificate timing" in page and "Apology" not in page
    filled = client.get(f"/staff/requests/{r.reference}?template={mine.id}").get_data(as_text=True)
    assert re.search(r'<textarea[^>]*id="reply-body"[^>]*>\s*Certificates are posted', filled)
    # Another kind's reply, or nonsense, prefills nothing.
    for value in (str(other.id), "abc", "9" * 30):
        page = client.get(f"/staff/requests/{r.reference}?template={value}").get_data(as_text=True)
        assert re.search(r'<textarea[^>]*id="reply-body"[^>]*>\s*</textarea>', page)


def test_complaint_reply_needs_a_date_then_wait_resume_resolve_close(
    thursday_10am, staff_and_member, submit
):
    client, staff, member = staff_and_member
    r = submit("complaint", requester=member).request
    db.session.commit()

    response = act(client, r, "reply", body="We are looking into it.")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "must give a date for putting things right" in page
    assert "There is a problem" in page and "We are looking into it." in page
    assert reload(r).first_reply_at is None

    response = act(client, r, "status", status="answered")
    assert response.status_code == 409
    assert "cannot be marked as answered without a date" in response.get_data(as_text=True)

    response = act(
        client, r, "reply", body="Sorry. We will reissue it.", resolution_date="2026-12-04"
    )
    assert response.status_code == 302
    r = reload(r)
    assert r.status == Status.ANSWERED and r.promise_met_at == THU_10AM
    assert r.resolution_due_at == datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
    assert "We have replied to you" in emails_to(member.email)[-1].subject

    assert act(client, r, "wait", body="Which address?").status_code == 302
    r = reload(r)
    assert r.status == Status.WAITING_CUSTOMER and r.next_due_at is None
    page = client.get(f"/staff/requests/{r.reference}").get_data(as_text=True)
    assert "Stop waiting and carry on" in page and "Paused" in page

    assert act(client, r, "resume").status_code == 302
    assert reload(r).status == Status.WITH_TEAM

    assert act(client, r, "resolve", body="Reissued today.").status_code == 302
    r = reload(r)
    assert r.status == Status.RESOLVED and r.next_due_at is None
    assert act(client, r, "close").status_code == 302
    r = reload(r)
    assert r.status == Status.CLOSED
    assert "Close the request" not in client.get(f"/staff/requests/{r.reference}").get_data(
        as_text=True
    )


def test_assign_status_note_propose_and_redate(thursday_10am, staff_and_member, submit):
    client, staff, member = staff_and_member
    colleague = make_user("staff", full_name="Jordan Lee")
    outsider = make_user("member")
    r = submit("query", requester=member).request
    db.session.commit()

    assert act(client, r, "assign", assignee=str(colleague.id)).status_code == 302
    assert reload(r).assignee_id == colleague.id and reload(r).status == Status.WITH_TEAM
    # Only staff appear as choices; anything else is a form error, not a change.
    response = act(client, r, "assign", assignee=str(outsider.id))
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(True)
    assert act(client, r, "assign", assignee="").status_code == 302
    assert reload(r).assignee_id is None

    assert act(client, r, "status", status="received").status_code == 302
    assert reload(r).status == Status.RECEIVED
    assert act(client, r, "status", status="closed").status_code == 200  # not a choice

    response = act(client, r, "note", body="   ")
    assert response.status_code == 200 and "Enter a note." in response.get_data(True)
    assert act(client, r, "note", body="Called the exams team.").status_code == 302

    response = act(client, r, "propose", resolution_date="2026-11-20")
    assert response.status_code == 409
    assert "cannot be in the past" in response.get_data(True)
    response = act(client, r, "propose", resolution_date="31-02-2026")
    assert "Enter a real date" in response.get_data(True)
    assert act(client, r, "propose", resolution_date="2026-12-01").status_code == 302
    before = len(emails_to(member.email))
    response = act(client, r, "redate", resolution_date="2026-12-08", reason="")
    assert "Enter the reason for the new date." in response.get_data(True)
    assert (
        act(
            client, r, "redate", resolution_date="2026-12-08", reason="The printer is broken."
        ).status_code
        == 302
    )
    r = reload(r)
    assert r.resolution_due_at == datetime(2026, 12, 8, 17, 0, tzinfo=UTC)
    mail = emails_to(member.email)
    assert len(mail) == before + 1 and "changed the date" in mail[-1].subject
    assert "The printer is broken." in mail[-1].body_text or "printer" in mail[-1].body_text
    kinds = [e.kind for e in r.events]
    assert EventKind.REDATED in kinds and EventKind.INTERNAL_NOTE in kinds


def test_recording_a_callback(thursday_10am, staff_and_member, submit):
    client, _staff, member = staff_and_member
    r = submit("callback", requester=member, details={"phone": "07700 900123"}).request
    query = submit("query", requester=member, subject="Other").request
    db.session.commit()
    page = client.get(f"/staff/requests/{r.reference}").get_data(as_text=True)
    assert "Record the call back" in page and "07700 900123" in page
    assert "Record the call back" not in client.get(f"/staff/requests/{query.reference}").get_data(
        as_text=True
    )
    response = act(client, r, "callback")
    assert "Say whether you spoke to them or left a message." in response.get_data(True)
    assert act(client, r, "callback", outcome="message", note="Voicemail").status_code == 302
    r = reload(r)
    assert r.promise_met_at == THU_10AM and r.status == Status.ANSWERED


def test_staff_forms_need_their_csrf_token(app, signed_in_as, submit):
    client, _ = signed_in_as("staff")
    r = submit("query").request
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    form = versioned(client, r, "note")
    response = client.post(
        f"/staff/requests/{r.reference}/note", data={**form, "note-body": "Hello"}
    )
    assert response.status_code in (200, 400)
    assert not any(e.kind == EventKind.INTERNAL_NOTE for e in reload(r).events)
    page = client.get(f"/staff/requests/{r.reference}").get_data(as_text=True)
    token = re.search(r'name="note-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        f"/staff/requests/{r.reference}/note",
        data={**versioned(client, r, "note"), "note-body": "Hello", "note-csrf_token": token},
    )
    assert response.status_code == 302
    assert any(e.kind == EventKind.INTERNAL_NOTE for e in reload(r).events)


def test_staff_status_words_differ_from_the_customers(staff_and_member, submit):
    client, staff, member = staff_and_member
    r = submit("query", requester=member).request
    services.wait_for_customer(r, staff, "Please send it.")
    db.session.commit()
    page = client.get(f"/staff/requests/{r.reference}").get_data(as_text=True)
    assert "Waiting for the customer" in page and "Waiting for your reply" not in page


def test_request_page_reads_a_fixed_number_of_queries(signed_in_as, submit):
    """A long timeline costs no more queries than a short one (no N+1)."""
    from sqlalchemy import event

    client, staff = signed_in_as("staff")
    member = make_user("member")

    def statements_for(reference: str) -> int:
        seen = []

        def count(*_args):
            seen.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(f"/staff/requests/{reference}").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    short = submit("query", requester=member, subject="Short").request
    long = submit("query", requester=member, subject="Long", uploads=[upload("a.pdf")]).request
    for n in range(12):
        services.add_internal_note(long, make_user("staff"), f"Note {n}")
        services.customer_reply(long, f"Reply {n}", member, uploads=[upload(f"r{n}.pdf")])
    db.session.commit()
    statements_for(short.reference)  # the first page warms the per-app caches
    # The fewest of two reads each: a per-process cache that expires between two pages (the
    # staff notice of mail or Redis trouble, the footer's details) costs one statement, and
    # an N+1 on the timeline would cost a dozen or more.
    long_page = min(statements_for(long.reference), statements_for(long.reference))
    short_page = min(statements_for(short.reference), statements_for(short.reference))
    assert long_page == short_page
