"""The request services keep the charter's promises (CHARTER.md sections 2 to 6)."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import func, select

from portal.charter import DEFAULT_PROMISES, due_at, extend_for_pause
from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.requests import services
from portal.requests.models import Attachment, EventKind, ServiceRequest, Status
from portal.settings.services import change_targets, get_calendar
from tests.factories import make_user
from tests.requests.conftest import upload

# Thursday 26 November 2026, 10:00 GMT: inside office hours.
THU_10AM = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
# Friday 27 November 2026, 18:00 GMT: after hours (CHARTER.md section 8, second example).
FRI_6PM = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@time_machine.travel(FRI_6PM, tick=False)
def test_clock_starts_next_working_day_and_due_is_stored(submit):
    member = make_user("member")
    made = submit("query", requester=member).request
    assert made.reference == f"Q-2026-{made.id:06d}"
    assert made.received_at == FRI_6PM
    assert made.clock_started_at == utc(2026, 11, 30, 9, 0)
    assert "after we closed" in made.clock_start_reason
    assert made.response_due_at == utc(2026, 12, 3, 17, 0)  # the charter's worked example
    assert made.status == Status.RECEIVED
    assert made.requester_email == member.email
    assert [e.kind for e in made.events] == [EventKind.SUBMITTED]
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == member.email))
    assert made.reference in mail.subject
    assert "5pm on Thursday 3 December 2026" in mail.body_text
    assert "we began counting from 9am on Monday 30 November" in mail.body_text
    assert f"/member/requests/{made.reference}" in mail.body_text


@pytest.mark.parametrize(
    ("kind", "prefix", "due"),
    [
        ("query", "Q", utc(2026, 12, 1, 17)),
        ("complaint", "C", utc(2026, 12, 1, 17)),
        ("feedback", "F", utc(2026, 12, 1, 17)),
        ("callback", "B", utc(2026, 11, 27, 10)),
        ("membership-application", "A", utc(2026, 12, 1, 17)),
        ("membership-upgrade", "U", utc(2026, 12, 1, 17)),
    ],
)
@time_machine.travel(THU_10AM, tick=False)
def test_each_kind_has_its_prefix_and_promise(submit, kind, prefix, due):
    made = submit(kind, requester=make_user("member")).request
    assert made.reference.startswith(f"{prefix}-2026-")
    assert made.promise_code == kind
    assert made.response_due_at == due
    assert made.clock_start_reason is None


@time_machine.travel(THU_10AM, tick=False)
def test_a_promise_once_made_does_not_move_when_targets_change(submit):
    made = submit("query", requester=make_user("member")).request
    first_due = made.response_due_at
    change_targets({"query": 10}, note="Busy season")
    later = submit("query", requester=make_user("member"), subject="Another").request
    db.session.expire_all()
    assert db.session.get(ServiceRequest, made.id).response_due_at == first_due
    assert later.response_due_at == due_at(
        services.promise_of(later), later.clock_started_at, get_calendar()
    )
    assert later.response_due_at > first_due
    assert services.promise_of(made).target == 3
    assert services.promise_of(later).target == 10


def test_staff_logging_a_call_uses_when_it_arrived(submit):
    staff = make_user("staff")
    made = submit("callback", received_at=utc(2026, 11, 24, 19, 0), channel="phone",
                  logged_by=staff).request
    assert made.channel == "phone"
    assert made.response_due_at == utc(2026, 11, 25, 17, 0)  # CHARTER.md section 8
    assert made.events[0].actor_id == staff.id
    assert made.events[0].author_name == "Vera Visitor"


def test_double_submission_makes_one_request(submit):
    member = make_user("member")
    first = submit("query", requester=member, submission_key="k" * 22)
    again = submit("query", requester=member, submission_key="k" * 22, body="changed text")
    assert first.created and not again.created
    assert again.request.id == first.request.id
    # Back and resubmit with a fresh form: the same words are the same request.
    third = submit("query", requester=member, submission_key="z" * 22)
    assert third.request.id == first.request.id
    assert db.session.scalar(select(func.count(ServiceRequest.id))) == 1


def test_visitor_gets_a_private_link_stored_only_as_a_hash(submit):
    made = submit("complaint", name="Vera Visitor", email="Vera@Example.test")
    token = made.private_token
    assert len(token) >= 32  # 24 random-looking bytes in base64: 192 bits
    assert made.request.requester_email == "vera@example.test"
    assert made.request.private_token_hash == services.hash_token(token)
    assert token not in made.request.private_token_hash
    assert services.find_by_private_token(token) is made.request
    assert services.find_by_private_token(token[:-1] + "x") is None
    mail = db.session.scalar(select(OutboxMessage))
    assert f"/r/{token}" in mail.body_text


def test_private_link_stops_working_90_days_after_close(submit):
    made = submit("query").request
    token = services.private_token_for(made)
    staff = make_user("staff")
    services.close(made, staff)
    closed = made.closed_at
    assert services.find_by_private_token(token, now=closed + timedelta(days=89)) is made
    assert services.find_by_private_token(token, now=closed + timedelta(days=90, seconds=1)) is None


def test_complaint_first_reply_needs_a_resolution_date(submit):
    staff = make_user("staff")
    made = submit("complaint", requester=make_user("member")).request
    with pytest.raises(services.RequestError, match="date for putting things right"):
        services.staff_reply(made, staff, "Sorry to hear this.")
    day = get_calendar().add_working_days(date.today(), 10)
    services.staff_reply(made, staff, "Sorry. We will fix it.", resolution_date=day)
    assert made.first_reply_at is not None
    assert made.promise_met_at == made.first_reply_at
    assert made.resolution_state == "proposed"
    assert made.resolution_due_at.date() == day
    assert made.next_update_due_at is not None
    assert made.status == Status.ANSWERED


def test_first_reply_that_resolves_counts_as_first_time(submit):
    staff = make_user("staff")
    made = submit("query", requester=make_user("member")).request
    services.staff_reply(made, staff, "Here is the answer.", resolves=True)
    assert made.status == Status.RESOLVED
    assert made.resolved_first_time is True
    other = submit("query", requester=make_user("member"), subject="Second").request
    services.staff_reply(other, staff, "Looking into it.")
    services.resolve(other, staff)
    assert other.resolved_first_time is False


def test_customer_reply_resumes_and_moves_the_resolution_date(submit):
    staff, member = make_user("staff"), make_user("member")
    cal = get_calendar()
    with time_machine.travel(utc(2026, 11, 23, 10), tick=False):  # Monday
        made = submit("complaint", requester=member).request
        services.staff_reply(made, staff, "We will sort it.", resolution_date=date(2026, 12, 4))
        response_due = made.response_due_at
        services.wait_for_customer(made, staff, "Please send the invoice.")
        assert made.status == Status.WAITING_CUSTOMER
        resolution = made.resolution_due_at
    with time_machine.travel(utc(2026, 11, 24, 12), tick=False):  # Tuesday: 10 office hours
        services.customer_reply(made, "Attached.", member, uploads=[upload()])
    assert made.status == Status.WITH_TEAM
    assert made.waiting_since is None
    assert made.resolution_due_at == extend_for_pause(
        resolution, utc(2026, 11, 23, 10), utc(2026, 11, 24, 12), cal
    )
    assert made.resolution_due_at > resolution
    assert made.response_due_at == response_due  # a first-reply promise never pauses
    kinds = [e.kind for e in made.events]
    assert kinds[-2:] == [EventKind.RESUMED, EventKind.CUSTOMER_REPLY]
    assert made.events[-1].attachments[0].original_name == "letter.pdf"


def test_application_promise_pauses_while_waiting(submit):
    staff = make_user("staff")
    with time_machine.travel(utc(2026, 11, 23, 10), tick=False):
        made = submit("membership-application", requester=make_user("member")).request
        due = made.response_due_at
        services.wait_for_customer(made, staff, "Please send your certificate.")
    with time_machine.travel(utc(2026, 11, 24, 10), tick=False):
        services.resume(made, staff)
    assert made.response_due_at == due + timedelta(days=1)
    assert made.promise_met_at is None
    services.resolve(made, staff, "Welcome: you are now a member.")
    assert made.promise_met_at is not None


def test_accept_and_discuss_the_proposed_date(submit):
    staff, member = make_user("staff"), make_user("member")
    made = submit("complaint", requester=member).request
    with pytest.raises(services.RequestError):
        services.accept_resolution_date(made, member)
    day = get_calendar().add_working_days(date.today(), 5)
    services.propose_resolution_date(made, staff, day)
    services.ask_to_discuss(made, "Sooner please", member)
    assert made.resolution_state == "discuss"
    # A working day: a date staff set never falls on a weekend (CHARTER.md section 9).
    services.redate(made, staff, get_calendar().add_working_days(day, -1), "You asked for sooner.")
    assert made.resolution_state == "proposed"
    assert made.events[-1].kind == EventKind.REDATED
    services.accept_resolution_date(made, member)
    assert made.resolution_state == "accepted"
    with pytest.raises(services.RequestError, match="reason"):
        services.redate(made, staff, day, "  ")


def test_rating_only_once_and_only_when_resolved(submit):
    staff, member = make_user("staff"), make_user("member")
    made = submit("query", requester=member).request
    with pytest.raises(services.RequestError, match="once your request is resolved"):
        services.rate_service(made, 5, "", member)
    services.staff_reply(made, staff, "Done.", resolves=True)
    with pytest.raises(services.RequestError, match="1 to 5"):
        services.rate_service(made, 6, "", member)
    services.rate_service(made, 4, "Quick, thanks", member)
    assert made.satisfaction_rating == 4
    with pytest.raises(services.RequestError, match="already rated"):
        services.rate_service(made, 5, "", member)


def test_callback_is_met_by_recording_the_call(submit):
    staff = make_user("staff")
    made = submit("callback", requester=make_user("member")).request
    with pytest.raises(services.RequestError):
        services.record_callback(made, staff, "maybe")
    services.record_callback(made, staff, "message", "Left voicemail")
    assert made.promise_met_at is not None
    assert made.status == Status.ANSWERED


def test_internal_notes_and_assignment_are_hidden_from_customers(submit):
    staff = make_user("staff")
    made = submit("query", requester=make_user("member")).request
    version = made.version
    services.add_internal_note(made, staff, "Customer is a VIP")
    services.assign(made, staff, staff)
    assert made.status == Status.WITH_TEAM
    assert made.assignee_id == staff.id
    assert made.version == version + 2
    assert [e.kind for e in made.customer_events] == [EventKind.SUBMITTED]
    with pytest.raises(services.RequestError):
        services.assign(made, staff, make_user("member"))


def test_closed_requests_refuse_changes(submit):
    staff, member = make_user("staff"), make_user("member")
    made = submit("query", requester=member).request
    services.close(made, staff)
    # The customer may still write: that reopens the case or starts a new one (issue #16,
    # tests/requests/test_followup.py). Staff changes are refused.
    for change in (
        lambda: services.staff_reply(made, staff, "Hello"),
        lambda: services.set_status(made, staff, "with_team"),
    ):
        with pytest.raises(services.RequestError, match="closed"):
            change()


def test_a_rolled_back_submission_leaves_no_file(app, submit):
    submit("query", requester=make_user("member"), uploads=[upload()])
    folder = Path(app.config["UPLOAD_DIR"])
    assert len(list(folder.iterdir())) == 1
    db.session.rollback()
    assert list(folder.iterdir()) == []
    made = submit("query", requester=make_user("member"), uploads=[upload()]).request
    db.session.commit()
    stored = db.session.scalar(select(Attachment).where(Attachment.request_id == made.id))
    assert (folder / stored.stored_name).read_bytes().startswith(b"%PDF")


def test_default_promises_are_the_charters():
    assert DEFAULT_PROMISES["query"].target == 3


FORM = dict(subject="Fees", body="How much?", name="Val", email="val@example.test",
            submission_key="k" * 22)


def test_a_duplicate_found_only_by_the_database_returns_the_first_request(app, monkeypatch):
    first = services.submit_once("query", **FORM)
    db.session.commit()
    # As if the second copy checked for duplicates before the first was saved.
    monkeypatch.setattr(services, "_duplicate_of", lambda *args: None)
    member = make_user("member")  # other work in the same transaction
    again = services.submit_once("query", **FORM)
    assert again.id == first.id
    db.session.commit()  # only the second copy's insert was undone, in its savepoint
    assert db.session.get(type(member), member.id) is not None
    assert db.session.scalar(select(func.count(ServiceRequest.id))) == 1


def test_a_form_sent_twice_at_once_makes_one_request(app, monkeypatch):
    """Both copies pass the duplicate check before either is saved; the database's unique
    (email, submission key) stops the second, which returns the first copy's request."""
    monkeypatch.setattr(services, "_duplicate_of", lambda *args: None)
    first = services.submit_once("query", **FORM)
    made = {}

    def second_copy():
        with app.app_context():
            try:
                made["id"] = services.submit_once("query", **FORM).id
                db.session.commit()
            finally:
                db.session.remove()

    thread = threading.Thread(target=second_copy)
    thread.start()
    thread.join(0.5)  # the second copy's insert waits for the first copy's transaction
    db.session.commit()
    thread.join(10)
    assert made == {"id": first.id}
    db.session.expire_all()
    assert db.session.scalar(select(func.count(ServiceRequest.id))) == 1
