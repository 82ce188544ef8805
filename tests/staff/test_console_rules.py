"""Rules the staff console must not break (issue #16), each with the case that broke it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from portal.accounts.models import Membership
from portal.extensions import db
from portal.membership.renewals import queue_renewal_reminders
from portal.notify.models import OutboxMessage
from portal.requests import services
from portal.requests.cover import hand_over_for_absences
from portal.requests.errors import RequestError
from portal.requests.models import ServiceRequest
from portal.settings.services import current_policy
from portal.staff import report
from portal.staff.services import decide_membership, record_absence
from tests.factories import make_organisation, make_user
from tests.staff.test_request_page import THU_10AM, act, reload


@pytest.fixture
def thursday_10am():
    with time_machine.travel(THU_10AM, tick=False):
        yield


@pytest.fixture
def staff_and_member(signed_in_as):
    client, staff = signed_in_as("staff")
    member = make_user("member", full_name="Priya Sharma", email="priya@example.test")
    db.session.commit()
    return client, staff, member


def test_a_resolution_date_on_a_bank_holiday_is_refused_by_the_service(thursday_10am, submit):
    staff = make_user("staff")
    r = submit("complaint").request
    with pytest.raises(RequestError, match="Friday 25 December 2026 is not a working day"):
        services.propose_resolution_date(r, staff, date(2026, 12, 25))
    services.propose_resolution_date(r, staff, date(2026, 12, 29))
    with pytest.raises(RequestError, match="Tuesday 29 December 2026"):
        services.redate(r, staff, date(2026, 12, 26), "Waiting for the exams team.")
    with pytest.raises(RequestError, match="the weekend"):
        services.staff_reply(r, staff, "We are on it.", resolution_date=date(2026, 12, 5))


def test_the_date_field_offers_the_next_working_day_and_says_why(
    thursday_10am, staff_and_member, submit
):
    client, _staff, member = staff_and_member
    r = submit("complaint", requester=member).request
    services.propose_resolution_date(r, _staff, date(2026, 12, 1))
    db.session.commit()
    response = act(client, r, "redate", resolution_date="2026-12-25", reason="Exams team away.")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Friday 25 December 2026 is not a working day (Christmas Day)" in page
    assert "The next working day is Tuesday 29 December 2026." in page
    assert 'value="2026-12-29"' in page  # offered in the field itself
    assert reload(r).resolution_due_at.date() == date(2026, 12, 1)
    # Accepting the offer saves it.
    assert act(client, r, "redate", resolution_date="2026-12-29",
               reason="Exams team away.").status_code == 302
    assert reload(r).resolution_due_at.date() == date(2026, 12, 29)


# Monday 30 November 2026, 11:00 GMT.
MON_11AM = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)


def _outbox_to(address: str) -> list[OutboxMessage]:
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == address)
        .order_by(OutboxMessage.id)))


@time_machine.travel(MON_11AM, tick=False)
def test_approving_an_upgrade_keeps_the_renewal_date_and_tells_the_member(submit):
    staff = make_user("staff")
    member = make_user("member", membership=Membership(
        membership_number="M1000123", grade="associate", status="active",
        joined_on=date(2024, 12, 26), renewal_date=date(2026, 12, 26)))
    # The reminder for 26 December has already gone.
    assert queue_renewal_reminders(MON_11AM) == 1
    r = submit("membership-upgrade", requester=member,
               details={"target_grade": "member"}).request
    decision = decide_membership(r, staff, True, "member")
    assert decision.membership.renewal_date == date(2026, 12, 26)
    assert decision.membership.grade == "member"
    assert "renews on Saturday 26 December 2026" in _outbox_to(member.email)[-1].body_text
    # Same date: the reminder already sent stays right, and is not sent twice.
    assert queue_renewal_reminders(MON_11AM) == 0


@time_machine.travel(MON_11AM, tick=False)
def test_a_new_membership_sets_the_renewal_date_and_arms_its_reminder(submit):
    staff = make_user("staff")
    applicant = make_user("member", membership=Membership(grade="associate",
                                                          status="applicant"))
    r = submit("membership-application", requester=applicant,
               details={"grade": "member"}).request
    decision = decide_membership(r, staff, True, "member")
    assert decision.membership.renewal_date == date(2027, 11, 30)
    assert "renews on Tuesday 30 November 2027" in _outbox_to(applicant.email)[-1].body_text
    assert queue_renewal_reminders(datetime(2027, 11, 2, 9, tzinfo=UTC)) == 1
    assert _outbox_to(applicant.email)[-1].key.endswith(":2027-11-30")


def test_recording_an_absence_passes_open_same_day_cases_to_the_cover(
    thursday_10am, signed_in_as, submit
):
    client, contact = signed_in_as("staff")
    deputy = make_user("staff", full_name="Jordan Lee")
    org = make_organisation("employer", support_contact=contact, deputy_contact=deputy)
    employer = make_user("employer", organisation=org)
    mine = submit("employer-support", requester=employer, organisation=org).request
    services.assign(mine, contact, contact)
    done = submit("employer-support", requester=employer, organisation=org,
                  subject="Another one").request
    services.assign(done, contact, contact)
    services.close(done, contact)
    db.session.commit()
    response = client.post("/staff/absence", data={
        "starts_on": "2026-11-26", "ends_on": "2026-11-27", "note": "Training"})
    assert response.status_code == 302
    db.session.expire_all()
    assert reload(mine).assignee_id == deputy.id
    assert reload(done).assignee_id == contact.id  # closed cases stay where they were
    entry = reload(mine).events[-1]
    assert entry.is_internal and entry.data["assignee_name"] == "Jordan Lee"
    assert "is away until Friday 27 November 2026" in entry.body
    page = client.get(f"/staff/requests/{mine.reference}").get_data(as_text=True)
    assert "covers this case" in page


def test_an_absence_starting_later_hands_over_on_its_first_morning(thursday_10am, submit):
    contact, deputy = make_user("staff"), make_user("staff")
    org = make_organisation("employer", support_contact=contact, deputy_contact=deputy)
    r = submit("employer-support", requester=make_user("employer", organisation=org),
               organisation=org).request
    services.assign(r, contact, contact)
    assert record_absence(contact, date(2026, 11, 30), date(2026, 12, 1)) == 0
    assert r.assignee_id == contact.id
    monday_7am = datetime(2026, 11, 30, 7, tzinfo=UTC)
    assert hand_over_for_absences(monday_7am) == "handed over 1 open cases"
    assert r.assignee_id == deputy.id


def _promise(code: str, due: datetime, met: datetime | None = None) -> ServiceRequest:
    r = ServiceRequest(
        reference=f"T-{code[:1].upper()}-{due:%m%d%H}-{'m' if met else 'o'}", kind=code,
        promise_code=code, policy_version_id=current_policy().id, requester_name="A Customer",
        requester_email="a@example.test", subject="Subject", body="Body", received_at=due,
        clock_started_at=due, response_due_at=due, promise_met_at=met, status="received")
    db.session.add(r)
    return r


def test_the_report_counts_only_what_fell_due_and_shows_the_rest_apart(app):
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    _promise("query", datetime(2026, 11, 10, 17, tzinfo=UTC), datetime(2026, 11, 9, 10, tzinfo=UTC))
    _promise("query", datetime(2026, 11, 12, 17, tzinfo=UTC))  # missed
    _promise("query", datetime(2026, 11, 26, 17, tzinfo=UTC))  # not yet due
    _promise("query", datetime(2026, 11, 27, 17, tzinfo=UTC))  # not yet due
    # Due in December but met in November: it belongs to November.
    _promise("query", datetime(2026, 12, 2, 17, tzinfo=UTC), datetime(2026, 11, 19, 10, tzinfo=UTC))
    db.session.flush()
    november = report.period_containing("month", date(2026, 11, 1))
    _rows, total = report.figures_for(november, now)
    assert (total.due, total.met, total.missed, total.pending) == (3, 2, 1, 2)
    _rows, december = report.figures_for(report.period_containing("month", date(2026, 12, 1)), now)
    assert (december.due, december.met, december.pending) == (0, 0, 0)
    _unit, points = report.trend_for(november, now)
    assert (points[-1].met, points[-1].missed) == (2, 1)
