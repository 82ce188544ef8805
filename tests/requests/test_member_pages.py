"""Members submit, read, reply to and rate their requests; nobody sees anyone else's."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from portal.charter import format_london
from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.requests import files, services
from portal.requests.models import Attachment, ServiceRequest, Status
from portal.settings.services import get_calendar
from tests.factories import make_user
from tests.requests.conftest import JPEG, PDF, PNG, docx_bytes, post_multipart, upload

COMPLAINT = {
    "subject": "Wrong grade on my certificate",
    "body": "My certificate says Associate but I am a Member.",
    "outcome": "Send a corrected certificate.",
    "submission_key": "k" * 22,
}


def count_requests() -> int:
    return db.session.scalar(select(func.count(ServiceRequest.id)))


def only_request() -> ServiceRequest:
    db.session.expire_all()
    return db.session.scalars(select(ServiceRequest)).one()


@time_machine.travel(datetime(2026, 11, 27, 18, 0, tzinfo=UTC), tick=False)
def test_member_submits_a_complaint_and_sees_the_promise(signed_in_as):
    client, member = signed_in_as("member")
    assert "Make a complaint" in client.get("/member/requests/new").get_data(as_text=True)
    response = client.post("/member/requests/new/complaint", data=COMPLAINT)
    made = only_request()
    assert response.headers["Location"] == f"/member/requests/{made.reference}/sent"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert made.reference in page
    assert "we began counting from 9am on Monday 30 November" in page
    assert "by 5pm on Thursday 3 December." in page
    assert format_london(made.response_due_at) == "5pm on Thursday 3 December"
    assert made.details == {"outcome_wanted": "Send a corrected certificate."}
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == member.email))
    assert made.reference in mail.subject

    detail = client.get(f"/member/requests/{made.reference}").get_data(as_text=True)
    for text in (made.reference, "Received", "Clock started", "With our team" if False else
                 "Received", "Send a corrected certificate.", COMPLAINT["body"]):
        assert text in detail
    dashboard = client.get("/member/").get_data(as_text=True)
    assert made.subject in dashboard
    assert "by 5pm on Thursday 3 December" in dashboard


def test_submitting_twice_makes_one_request(signed_in_as):
    client, _member = signed_in_as("member")
    first = client.post("/member/requests/new/complaint", data=COMPLAINT)
    second = client.post("/member/requests/new/complaint", data=COMPLAINT)
    assert first.headers["Location"] == second.headers["Location"]
    # Back, reload (a fresh key) and send the same words again: still one.
    client.post("/member/requests/new/complaint", data=dict(COMPLAINT, submission_key="n" * 22))
    assert count_requests() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("subject", "", "Say what your complaint is about."),
        ("body", "   ", "Tell us what happened."),
        ("subject", "x" * 151, "must be 150 characters or fewer"),
        ("body", "x" * 5001, "must be 5,000 characters or fewer"),
    ],
)
def test_bad_fields_are_explained_and_typed_values_kept(signed_in_as, field, value, message):
    client, _member = signed_in_as("member")
    response = client.post("/member/requests/new/complaint", data=dict(COMPLAINT, **{field: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert "Send a corrected certificate." in page  # what was typed is kept
    assert count_requests() == 0


def test_wrong_file_type_is_a_form_error(signed_in_as):
    client, _member = signed_in_as("member")
    data = dict(COMPLAINT, attachments=[(io.BytesIO(b"MZ\x90\x00 not a pdf"), "report.pdf")])
    page = client.post("/member/requests/new/complaint", data=data,
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "report.pdf is not a PDF, PNG, JPEG or Word (.docx) file." in page
    assert COMPLAINT["body"] in page
    assert count_requests() == 0


def test_oversize_file_is_an_error_on_the_form_that_keeps_the_text(app, signed_in_as):
    client, _member = signed_in_as("member")
    big = PDF + b"0" * files.MAX_FILE_BYTES
    response = post_multipart(client, "/member/requests/new/complaint", COMPLAINT,
                              [("big.pdf", big)])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and "Choose the files again." in page
    assert COMPLAINT["body"] in page
    assert f'data-max-bytes="{files.MAX_FILE_BYTES}"' in page
    assert count_requests() == 0
    # A body over the whole cap is refused before it is read.
    huge = b"0" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = post_multipart(client, "/member/requests/new/complaint", COMPLAINT,
                              [("huge.pdf", huge)])
    assert response.status_code == 413
    assert count_requests() == 0


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("a.pdf", PDF, "application/pdf"),
        ("b.png", PNG, "image/png"),
        ("c.jpg", JPEG, "image/jpeg"),
        ("d.docx", docx_bytes(),
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_attachments_are_typed_by_content_and_served_as_downloads(
    signed_in_as, name, data, content_type
):
    client, _member = signed_in_as("member")
    form = dict(COMPLAINT, attachments=[(io.BytesIO(data), "renamed")])  # no extension: given one
    client.post("/member/requests/new/complaint", data=form, content_type="multipart/form-data")
    made = only_request()
    attachment = made.attachments[0]
    assert attachment.content_type == content_type
    assert attachment.original_name.startswith("renamed")
    response = client.get(f"/member/requests/{made.reference}/files/{attachment.id}")
    assert response.status_code == 200
    assert response.data == data
    assert response.headers["Content-Type"].startswith(content_type)
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


@pytest.fixture
def someone_elses(app, submit):
    """A request with an attachment belonging to another member."""
    owner = make_user("member")
    made = submit("complaint", requester=owner, uploads=[upload()]).request
    db.session.commit()
    return made


def _request_urls(reference: str, attachment_id: int) -> list[tuple[str, str]]:
    base = f"/member/requests/{reference}"
    return [
        ("GET", base), ("GET", f"{base}/sent"), ("GET", f"{base}/live"),
        ("GET", f"{base}/files/{attachment_id}"),
        ("POST", f"{base}/reply"), ("POST", f"{base}/accept-date"),
        ("POST", f"{base}/discuss-date"), ("POST", f"{base}/rate"),
    ]


def test_another_members_or_made_up_reference_is_404(signed_in_as, someone_elses):
    client, _intruder = signed_in_as("member")
    attachment_id = someone_elses.attachments[0].id
    for reference in (someone_elses.reference, "C-2026-999999", "nonsense"):
        for method, url in _request_urls(reference, attachment_id):
            response = client.open(url, method=method,
                                   data={"reply-body": "hi", "rating-rating": "5"})
            assert response.status_code == 404, (method, url)
    # The owner's own request with an attachment id from elsewhere is 404 too.
    owner_client, owner = signed_in_as("member")
    mine = services.submit_request("query", subject="Mine", body="Mine", requester=owner)
    db.session.commit()
    response = owner_client.get(
        f"/member/requests/{mine.request.reference}/files/{attachment_id}"
    )
    assert response.status_code == 404


def test_reply_accept_discuss_and_rate(signed_in_as, app):
    client, member = signed_in_as("member")
    staff = make_user("staff")
    made = services.submit_request("complaint", subject="Late", body="Late again",
                                   requester=member).request
    day = get_calendar().add_working_days(date.today(), 7)
    services.staff_reply(made, staff, "Sorry, we will fix it.", resolution_date=day)
    services.add_internal_note(made, staff, "SECRET NOTE for staff")
    services.wait_for_customer(made, staff, "Please send your order number.")
    db.session.commit()
    base = f"/member/requests/{made.reference}"

    page = client.get(base).get_data(as_text=True)
    assert "SECRET NOTE" not in page
    assert "Waiting for your reply" in page
    assert "Sorry, we will fix it." in page
    assert "Proposed date to resolve" in page

    empty = client.post(f"{base}/reply", data={"reply-body": ""}).get_data(as_text=True)
    assert "Enter your message." in empty

    response = client.post(
        f"{base}/reply",
        data={"reply-body": "Order 12345", "reply-attachments": [(io.BytesIO(PNG), "photo.png")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.expire_all()
    made = db.session.get(ServiceRequest, made.id)
    assert made.status == Status.WITH_TEAM
    assert made.events[-1].body == "Order 12345"
    assert db.session.scalar(select(func.count(Attachment.id))) == 1

    assert client.post(f"{base}/discuss-date", data={"discuss-body": "Sooner?"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(ServiceRequest, made.id).resolution_state == "discuss"
    # Nothing left to accept now: refused with a message, not an error page.
    refused = client.post(f"{base}/accept-date")
    assert refused.status_code == 409
    assert "no proposed date" in refused.get_data(as_text=True)

    made = db.session.get(ServiceRequest, made.id)
    services.redate(made, staff, day, "As you asked")
    db.session.commit()
    assert client.post(f"{base}/accept-date").status_code == 302
    db.session.expire_all()
    made = db.session.get(ServiceRequest, made.id)
    assert made.resolution_state == "accepted"

    services.resolve(made, staff, "All fixed.")
    db.session.commit()
    page = client.get(base).get_data(as_text=True)
    assert "Rate our service" in page
    assert "Choose a rating" in client.post(f"{base}/rate", data={}).get_data(as_text=True)
    rated = client.post(f"{base}/rate", data={"rating-rating": "5", "rating-comment": "Great"})
    assert rated.status_code == 302
    db.session.expire_all()
    assert db.session.get(ServiceRequest, made.id).satisfaction_rating == 5
    assert "You rated our service 5 out of 5" in client.get(base).get_data(as_text=True)


def test_dashboard_shows_waiting_and_recently_closed(signed_in_as):
    client, member = signed_in_as("member")
    staff = make_user("staff")
    waiting = services.submit_request("query", subject="Need help", body="Q1",
                                      requester=member).request
    services.wait_for_customer(waiting, staff, "Which course?")
    done = services.submit_request("feedback", subject="Great event", body="Loved it",
                                   requester=member).request
    services.staff_reply(done, staff, "Thank you!", resolves=True)
    services.close(done, staff)
    db.session.commit()
    page = client.get("/member/").get_data(as_text=True)
    assert "We are waiting for your reply." in page
    assert "Recently resolved or closed" in page
    assert "Great event" in page


def test_callback_phone_is_checked_and_tidied(signed_in_as):
    client, _member = signed_in_as("member")
    data = {"phone": "12345", "preferred_time": "morning", "body": "About renewal",
            "submission_key": "c" * 22}
    page = client.post("/member/requests/new/callback", data=data).get_data(as_text=True)
    assert "Enter a phone number we can call" in page
    assert 'value="12345"' in page
    client.post("/member/requests/new/callback", data=dict(data, phone="+44 7700 900123"))
    made = only_request()
    assert made.details["phone"] == "07700 900123"
    assert made.requester_phone == "07700 900123"
    assert made.response_due_at == services.due_at(  # the callback promise: 8 office hours
        services.promise_of(made), made.clock_started_at, get_calendar()
    )


def test_feedback_with_an_optional_rating(signed_in_as):
    client, _member = signed_in_as("member")
    data = {"about": "event", "subject": "Annual conference", "body": "Loved it",
            "submission_key": "f" * 22}
    client.post("/member/requests/new/feedback", data=dict(data, rating="4"))
    assert only_request().details == {"about": "event", "rating": 4}
    page = client.post("/member/requests/new/feedback",
                       data=dict(data, about="", submission_key="g" * 22)).get_data(as_text=True)
    assert "Choose what your feedback is about." in page


def test_applicants_apply_and_members_upgrade(signed_in_as):
    from portal.accounts.models import Membership

    applicant_client, applicant = signed_in_as(
        "member", membership=Membership(grade="associate", status="applicant")
    )
    choices = applicant_client.get("/member/requests/new").get_data(as_text=True)
    assert "Apply for membership" in choices and "upgrade" not in choices
    assert applicant_client.get("/member/requests/new/upgrade").status_code == 404
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    applicant_client.post("/member/requests/new/application", data={
        "grade": "member", "body": "Ten years in the field.", "submission_key": "a" * 22,
        "evidence_0": (io.BytesIO(pdf), "degree.pdf"), "evidence_1": (io.BytesIO(pdf), "cv.pdf")},
        content_type="multipart/form-data")
    made = only_request()
    assert made.kind == "membership-application"
    assert made.subject == "Application for Member"

    member_client, member = signed_in_as("member")  # grade "member"
    assert member_client.get("/member/requests/new/application").status_code == 404
    page = member_client.get("/member/requests/new/upgrade").get_data(as_text=True)
    assert "Fellow" in page and ">Affiliate<" not in page
    bad = member_client.post("/member/requests/new/upgrade", data={
        "grade": "affiliate", "body": "x", "submission_key": "u" * 22})
    assert "Not a valid choice" in bad.get_data(as_text=True)


def test_new_request_forms_need_csrf(app, signed_in_as):
    client, _member = signed_in_as("member")
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/member/requests/new/complaint", data=COMPLAINT)
    assert response.status_code == 400
    assert count_requests() == 0
