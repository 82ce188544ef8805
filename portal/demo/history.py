"""Demo history as it would have happened (issue #16).

The request services stamp everything they do with the moment they run, so a seed that
calls them makes every reply, every "met" and every resolution the moment the seed ran:
the timelines and the charter report then describe a day that never was. Here each
request's events are given the instants they would really have had, and the request's own
instants (first reply, promise met, resolved, closed, waiting since) follow the event that
set them, with the office time to the first reply worked out again.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from portal.accounts.models import User
from portal.charter import WorkingCalendar, update_due
from portal.extensions import db
from portal.requests import services
from portal.requests.models import ServiceRequest
from portal.settings.services import office_settings
from portal.staff.models import StaffProfile

#: The events that answer a customer, and so can meet a first-reply promise.
_ANSWERING = ("staff_reply", "paused", "callback_recorded", "resolved")
#: The request's instants a service sets to "now" alongside one of its events.
_FOLLOWS_EVENT = ("first_reply_at", "promise_met_at", "resolved_at", "closed_at",
                  "waiting_since", "updated_at")


def realistic_times(request: ServiceRequest, now: datetime, cal: WorkingCalendar,
                    rng: random.Random, late_chance: float = 0.15) -> list[datetime]:
    """An instant for each of ``request``'s events, oldest first: the first at receipt, the
    first answer within the promise most of the time (late now and then, as in life), and
    the rest spread in office time between that answer and ``now``."""
    count = len(request.events)
    start = request.clock_started_at
    latest = now - timedelta(minutes=15)
    due = min(request.response_due_at, latest)
    window = max(cal.office_seconds_between(start, due), 600)
    answer = cal.add_office_seconds(start, window * rng.uniform(0.05, 0.9))
    if request.response_due_at < latest and rng.random() < late_chance:
        late = cal.add_office_seconds(request.response_due_at, rng.randint(1800, 3 * 8 * 3600))
        answer = late if late < latest else answer
    answer = min(max(answer, request.received_at), latest)
    events = sorted(request.events, key=lambda e: (e.created_at, e.id or 0))
    kinds = [e.kind for e in events]
    first = next((i for i, k in enumerate(kinds) if k in _ANSWERING), count)
    times = [request.received_at]
    for n in range(1, min(first, count)):  # assignments and notes before the answer
        times.append(request.received_at + (answer - request.received_at) * n / (first + 1))
    if first < count:
        left = max(cal.office_seconds_between(answer, latest), 0)
        after = count - first
        times += [min(cal.add_office_seconds(answer, left * n / (after + 1)), latest)
                  for n in range(after)]
    return sorted(times[:count])


def settle(request: ServiceRequest, times: list[datetime], cal: WorkingCalendar) -> None:
    """Give ``request``'s events the instants ``times`` (oldest first), and move the
    request's instants with the events that set them."""
    events = sorted(request.events, key=lambda e: (e.created_at, e.id or 0))
    stamped = [(event.created_at, when) for event, when in zip(events, times, strict=False)]
    for event, when in zip(events, times, strict=False):
        event.created_at = when

    def moved(value: datetime | None) -> datetime | None:
        if value is None or not stamped:
            return value
        # The event written by the same service call has the same (or the nearest) stamp.
        return min(stamped, key=lambda pair: abs((pair[0] - value).total_seconds()))[1]

    for name in _FOLLOWS_EVENT:
        setattr(request, name, moved(getattr(request, name)))
    if request.first_reply_at is not None:
        request.first_reply_office_seconds = max(
            0, cal.office_seconds_between(request.clock_started_at, request.first_reply_at))
    if request.next_update_due_at is not None and request.is_open:
        last = max(times) if times else request.received_at
        request.next_update_due_at = update_due(last, cal, office_settings().update_every_days)


_PAST = {
    "query": [("CPD record not saving", "I add my hours but the CPD record is empty when I "
               "come back to it."),
              ("Invoice for my employer", "My employer needs an invoice with our purchase "
               "order number on it."),
              ("Exam results date", "When will the results for the November sitting be out?")],
    "complaint": [("Charged the wrong fee", "I was charged the Fellow fee although I am an "
                   "Associate Member."),
                  ("Certificate not received", "My certificate has not arrived although the "
                   "tracker says it was posted.")],
    "feedback": [("Annual conference venue", "The conference hall was too warm and the "
                  "microphones crackled.")],
    "callback": [("Please call me back", "I need to talk about paying my renewal in "
                  "instalments.")],
}
_ANSWERS = {
    "query": "Thank you for asking. This is now sorted; please tell us if anything else is "
             "unclear.",
    "complaint": "I am sorry about this. We have put it right and refunded the difference.",
    "feedback": "Thank you. We have passed your comments to the events team.",
}


def seed_closed_history(rng: random.Random, staff: list, members: list, now: datetime,
                        cal: WorkingCalendar, count: int = 60) -> None:
    """Requests answered and closed over the last two months, by several people and
    channels, so the report and the search have a past to show."""
    day = int(cal.day_us // 1_000_000)
    for n in range(count):
        kind = rng.choice(["query", "query", "complaint", "feedback", "callback"])
        subject, body = rng.choice(_PAST[kind])
        received_at = cal.add_office_seconds(now, -rng.randint(4 * day, 40 * day))
        r = services.submit_request(
            kind, subject=subject, received_at=received_at,
            body=f"{body} This is about order {4100 + n}.",
            requester=members[(n * 7) % len(members)],
            channel=rng.choice(["web", "web", "email", "phone", "letter"]),
            details={"phone": "07700 900300"} if kind == "callback" else
            {"outcome_wanted": "Put it right."} if kind == "complaint" else
            {"about": "event"} if kind == "feedback" else {},
        ).request
        person = staff[n % len(staff)]
        services.assign(r, person, person)
        if kind == "callback":
            services.record_callback(r, person, "spoke", "Agreed a plan for the renewal.")
        else:
            services.staff_reply(r, person, _ANSWERS[kind],
                                 resolves=kind == "complaint" or n % 3 == 0)
        if r.is_open:
            services.close(r, person)
        settle(r, realistic_times(r, now, cal, rng, late_chance=0.2), cal)


#: (email, team, leads it): who works where in the demo contact centre.
DEMO_TEAMS = (
    ("admin@demo.test", "membership", True),
    ("support@demo.test", "employer", True),
    ("deputy@demo.test", "employer", False),
    ("centres.team@demo.test", "centres", True),
)


def seed_teams() -> None:
    """Each demo staff member's default team, and the team leads (issue #16)."""
    for email, team, lead in DEMO_TEAMS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None and db.session.get(StaffProfile, user.id) is None:
            db.session.add(StaffProfile(user_id=user.id, team=team, is_team_lead=lead))
    db.session.flush()
