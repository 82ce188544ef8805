"""Employer and centre contacts' requests: the promise, routing, and organisation isolation."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from portal.accounts.absences import add_absence
from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.requests import services
from portal.requests.models import ServiceRequest
from tests.factories import make_organisation, make_user
from tests.requests.conftest import upload

WEDNESDAY_1559 = datetime(2026, 11, 25, 15, 59, tzinfo=UTC)
WEDNESDAY_1630 = datetime(2026, 11, 25, 16, 30, tzinfo=UTC)
FORM = {"subject": "Learner accounts locked", "body": "Twelve learners cannot sign in."}


@pytest.fixture
def employer(app):
    contact = make_user("staff", full_name="Sam Patel", email="sam@staff.test")
    deputy = make_user("staff", full_name="Jordan Lee", email="jordan@staff.test")
    org = make_organisation(
        "employer", name="Northbridge Housing", support_contact=contact, deputy_contact=deputy
    )
    db.session.commit()
    return org, contact, deputy


def _only_request() -> ServiceRequest:
    db.session.expire_all()
    return db.session.scalars(select(ServiceRequest)).one()


def _alerts_to(email: str) -> list[str]:
    return db.session.scalars(
        select(OutboxMessage.subject).where(OutboxMessage.to_address == email)
    ).all()


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (WEDNESDAY_1559, datetime(2026, 11, 25, 17, tzinfo=UTC)),
        (WEDNESDAY_1630, datetime(2026, 11, 26, 17, tzinfo=UTC)),  # after the cut-off
    ],
)
def test_same_day_promise_goes_to_the_dedicated_contact(signed_in_as, employer, received, due):
    org, contact, _deputy = employer
    with time_machine.travel(received, tick=False):
        client, _user = signed_in_as("employer", organisation=org)
        response = client.post("/employer/requests/new", data=FORM)
    assert response.status_code == 302
    made = _only_request()
    assert made.kind == "employer-support"
    assert made.organisation_id == org.id
    assert made.response_due_at == due
    assert made.assignee_id == contact.id
    assert made.reference.startswith("E-2026-")
    [alert] = _alerts_to("sam@staff.test")
    assert made.reference in alert


def test_deputy_gets_it_while_the_contact_is_away(signed_in_as, employer):
    org, contact, deputy = employer
    add_absence(contact, date(2026, 11, 23), date(2026, 11, 27))
    db.session.commit()
    with time_machine.travel(WEDNESDAY_1559, tick=False):
        client, _user = signed_in_as("employer", organisation=org)
        client.post("/employer/requests/new", data=FORM)
    made = _only_request()
    assert made.assignee_id == deputy.id
    assert _alerts_to("sam@staff.test") == []
    [alert] = _alerts_to("jordan@staff.test")
    body = db.session.scalar(
        select(OutboxMessage.body_text).where(OutboxMessage.to_address == "jordan@staff.test")
    )
    assert "while their dedicated contact is away" in body
    assert made.reference in alert


def test_colleagues_see_the_organisations_requests(signed_in_as, employer):
    org, _contact, _deputy = employer
    with time_machine.travel(WEDNESDAY_1559, tick=False):
        author, _a = signed_in_as("employer", organisation=org)
        author.post("/employer/requests/new", data=FORM)
    made = _only_request()
    colleague, _c = signed_in_as("employer", organisation=org)
    listing = colleague.get("/employer/requests").get_data(as_text=True)
    assert made.reference in listing
    assert colleague.get(f"/employer/requests/{made.reference}").status_code == 200
    response = colleague.post(
        f"/employer/requests/{made.reference}/reply", data={"reply-body": "Also two more learners."}
    )
    assert response.status_code == 302


def _org_urls(side: str, reference: str, attachment_id: int):
    base = f"/{side}/requests/{reference}"
    return [
        ("GET", base),
        ("GET", f"{base}/sent"),
        ("GET", f"{base}/live"),
        ("GET", f"{base}/files/{attachment_id}"),
        ("POST", f"{base}/reply"),
        ("POST", f"{base}/accept-date"),
        ("POST", f"{base}/discuss-date"),
        ("POST", f"{base}/rate"),
    ]


@pytest.mark.parametrize(
    ("side", "kind"), [("employer", "employer-support"), ("centre", "centre-support")]
)
def test_another_organisation_gets_404_everywhere(signed_in_as, side, kind):
    owner = make_user(side)
    made = services.submit_request(
        kind, subject="Ours", body="Ours", requester=owner, uploads=[upload()]
    ).request
    db.session.commit()
    attachment_id = made.attachments[0].id
    intruder, _user = signed_in_as(side)
    for reference in (made.reference, "E-2026-999999"):
        for method, url in _org_urls(side, reference, attachment_id):
            response = intruder.open(
                url, method=method, data={"reply-body": "hi", "rating-rating": "5"}
            )
            assert response.status_code == 404, (method, url)
    assert made.reference not in intruder.get(f"/{side}/requests").get_data(as_text=True)
    # The owner's colleague can download it.
    colleague, _c = signed_in_as(side, organisation=owner.organisation)
    response = colleague.get(f"/{side}/requests/{made.reference}/files/{attachment_id}")
    assert response.status_code == 200
    response.close()


def test_members_cannot_use_organisation_pages(signed_in_as):
    client, _user = signed_in_as("member")
    assert client.get("/employer/requests").status_code == 403
    assert client.get("/centre/requests/new").status_code == 403


@time_machine.travel(datetime(2026, 11, 27, 18, 0, tzinfo=UTC), tick=False)
def test_centre_support_is_two_working_days_from_the_clock_start(signed_in_as):
    client, user = signed_in_as("centre")
    response = client.post(
        "/centre/requests/new",
        data={"subject": "Moderation dates", "body": "When is the next window?"},
    )
    assert response.status_code == 302
    made = _only_request()
    assert made.kind == "centre-support"
    assert made.clock_started_at == datetime(2026, 11, 30, 9, tzinfo=UTC)
    assert made.response_due_at == datetime(2026, 12, 2, 17, tzinfo=UTC)
    assert made.assignee_id is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert made.reference in page
    assert "5pm on Wednesday 2 December" in page


def test_empty_form_is_explained(signed_in_as, employer):
    org, _c, _d = employer
    client, _user = signed_in_as("employer", organisation=org)
    response = client.post("/employer/requests/new", data={"subject": "Kept", "body": ""})
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert 'value="Kept"' in page
    assert db.session.scalar(select(ServiceRequest)) is None
