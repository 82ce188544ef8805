"""Rules the staff console must not break (issue #16), each with the case that broke it."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from portal.extensions import db
from portal.requests import services
from portal.requests.errors import RequestError
from tests.factories import make_user
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
