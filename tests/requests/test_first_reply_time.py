"""The office time to a first reply is stored with the request (CHARTER.md section 7)."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from portal.requests import services
from tests.factories import make_user

# Thursday 26 November 2026, 10:00 GMT, inside office hours.
THU_10AM = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def test_reply_next_day_counts_office_time_only(submit):
    staff = make_user("staff")
    with time_machine.travel(THU_10AM, tick=False):
        made = submit("query").request
    # Friday 11:30: 7 office hours on Thursday, 2.5 on Friday; the night does not count.
    with time_machine.travel(datetime(2026, 11, 27, 11, 30, tzinfo=UTC), tick=False):
        services.staff_reply(made, staff, "Here is your answer.")
    assert made.first_reply_office_seconds == (7 * 3600) + (2 * 3600 + 1800)
    # A second reply leaves the first reply's time alone.
    with time_machine.travel(datetime(2026, 11, 30, 12, 0, tzinfo=UTC), tick=False):
        services.staff_reply(made, staff, "And one more thing.")
    assert made.first_reply_office_seconds == 9 * 3600 + 1800


def test_callback_and_resolve_and_waiting_record_it_too(submit):
    staff = make_user("staff")
    with time_machine.travel(THU_10AM, tick=False):
        callback = submit("callback").request
        application = submit("membership-application", subject="Join", body="Please").request
        question = submit("query", subject="Another", body="Question").request
    with time_machine.travel(datetime(2026, 11, 26, 10, 45, tzinfo=UTC), tick=False):
        services.record_callback(callback, staff, "spoke")
        services.resolve(application, staff)
        services.wait_for_customer(question, staff, "Which course was it?")
    assert callback.first_reply_office_seconds == 45 * 60
    assert application.first_reply_office_seconds == 45 * 60
    assert question.first_reply_office_seconds == 45 * 60


def test_reply_before_the_clock_starts_took_no_office_time(submit):
    staff = make_user("staff")
    # Saturday 28 November: the clock starts at 9am on Monday.
    with time_machine.travel(datetime(2026, 11, 28, 10, 0, tzinfo=UTC), tick=False):
        made = submit("query").request
    with time_machine.travel(datetime(2026, 11, 28, 11, 0, tzinfo=UTC), tick=False):
        services.staff_reply(made, staff, "We work weekends sometimes.")
    assert made.first_reply_office_seconds == 0
