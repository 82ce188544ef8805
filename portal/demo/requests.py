"""The demo requests: the demo member's, with history in every state, and about forty open
ones so the staff queue has something on every line (CHARTER.md sections 5 to 7)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select

from portal.accounts.models import Organisation, OrgKind, Role, User
from portal.clock import london_today
from portal.database import utcnow
from portal.demo.history import realistic_times, seed_closed_history, settle
from portal.demo.people import name_at
from portal.extensions import db
from portal.requests import services
from portal.settings.services import get_calendar
from portal.staff.models import ReusableReply


def seed_member_requests(member: User, applicant: User, staff: User) -> None:
    """A few requests with history, so the member's pages show every state (CHARTER.md §5-6)."""
    cal = get_calendar()
    now = utcnow()

    def back(working_days: int, hour: int) -> datetime:
        day = london_today()
        for _ in range(working_days):
            day = day - timedelta(days=1)
            while not cal.is_working_day(day):
                day = day - timedelta(days=1)
        return cal.london_instant(day, time(hour, 0))

    rng = random.Random(16)

    def spread(request, _start: datetime) -> None:
        # Services stamp everything "now"; give the history the times it would have had.
        db.session.flush()
        settle(request, realistic_times(request, now, cal, rng, late_chance=0), cal)

    complaint = services.submit_request(
        "complaint", requester=member, received_at=back(6, 11),
        subject="Renewal payment taken twice",
        body="My direct debit for this year's renewal was collected twice on the same day. "
             "Please refund the second payment.",
        details={"outcome_wanted": "Refund the duplicate payment and confirm it will not "
                                   "happen again."},
    ).request
    services.assign(complaint, staff, staff)
    services.staff_reply(
        complaint, staff,
        "I am sorry about this. Our payments team has confirmed the duplicate collection and "
        "has asked the bank to return it. Refunds take up to eight working days to arrive.",
        resolution_date=cal.add_working_days(london_today(), 6),
    )
    spread(complaint, complaint.received_at)

    query = services.submit_request(
        "query", requester=member, received_at=back(3, 15),
        subject="CPD hours from an overseas conference",
        body="Can I count the hours from a conference I attended in Lisbon towards my CPD?",
    ).request
    services.wait_for_customer(
        query, staff,
        "Yes, in most cases. Could you send us the conference programme or a certificate of "
        "attendance, so we can check the sessions count?",
    )
    spread(query, query.received_at)

    feedback = services.submit_request(
        "feedback", requester=member, received_at=back(12, 10),
        subject="Regional networking evening in Leeds",
        body="The speakers were excellent, but the venue was hard to reach by public transport.",
        details={"about": "event", "rating": 4},
    ).request
    services.staff_reply(
        feedback, staff,
        "Thank you. We have passed your comments on the venue to the events team for next "
        "year's booking.",
        resolves=True,
    )
    services.rate_service(feedback, 5, "Quick and helpful reply.", member)
    spread(feedback, feedback.received_at)

    application = services.submit_request(
        "membership-application", requester=applicant, received_at=back(1, 14),
        subject="Application for Associate Member",
        body="I have worked in customer operations for four years and hold a Level 3 "
             "diploma.",
        details={"grade": "associate"},
    ).request
    spread(application, application.received_at)
    db.session.flush()


REUSABLE_REPLIES = [
    ("query", "Certificate timing",
     "Thank you for your question. Certificates are posted within 15 working days of the "
     "results being confirmed. Yours is on its way and should reach you by {date}."),
    ("query", "CPD hours",
     "Yes, you can count those hours towards your CPD. Please add them to your CPD record "
     "with a short note of what you learned."),
    ("complaint", "Apology and date",
     "I am sorry about what happened. I have looked into it and we will put it right by the "
     "date below. I will keep you updated at least every five working days."),
    ("complaint", "Need more information",
     "I am sorry to hear about this. So that I can look into it properly, could you send me "
     "any letters or emails you have about it?"),
    ("callback", "Sorry we missed you",
     "We tried to call you back but could not reach you. Please reply with a good time to "
     "call, or call us on 020 7946 0000."),
    ("feedback", "Thank you for feedback",
     "Thank you for your feedback. I have passed it to the team responsible, who review "
     "every comment we receive."),
    ("membership-application", "Evidence needed",
     "Thank you for applying. To assess your application, please send a copy of your "
     "qualification certificate."),
    ("membership-upgrade", "Evidence needed",
     "Thank you for applying to upgrade. Please send evidence of the experience the new "
     "grade asks for, such as a reference from your employer."),
]

_QUEUE_SUBJECTS = {
    "query": ["Exam results date", "Changing my address", "Invoice for my employer",
              "Reading list for Level 5", "CPD record not saving", "Student discount"],
    "complaint": ["Certificate not received", "Charged the wrong fee", "Rude phone call",
                  "Event cancelled without notice", "Login locked for a week"],
    "feedback": ["Webinar on leadership", "New member portal", "Annual conference venue"],
    "callback": ["Please call me back"],
}


def seed_queue(rng: random.Random) -> None:
    """About forty open requests, so the staff queue has something on every line:
    members and visitors, every kind, assigned and not, overdue, at risk and on track
    (CHARTER.md section 7). Receipts are placed in office time before now, so the
    states hold whatever the time of day the demo is loaded."""
    for kind, title, body in REUSABLE_REPLIES:
        db.session.add(ReusableReply(kind=kind, title=title, body=body))

    cal = get_calendar()
    now = utcnow()
    staff = list(db.session.scalars(
        select(User).where(User.role.in_([Role.STAFF.value, Role.ADMIN.value])).order_by(User.id)
    ))
    members = list(db.session.scalars(
        select(User).where(User.email.like("%@example.demo.test")).order_by(User.id)
    ))
    employers = list(db.session.scalars(
        select(Organisation).where(Organisation.kind == OrgKind.EMPLOYER.value)
    ))
    hour = 3600
    day = int(cal.day_us // 1_000_000)
    # (kind, office seconds before now it arrived): callbacks are due 8 office hours on,
    # the rest at close on the third working day.
    plan = (
        [("callback", 7 * hour), ("callback", 5 * hour + 1800), ("callback", 10 * hour),
         ("callback", 2 * hour), ("callback", 30 * 60)]
        + [("complaint", n * day + rng.randint(0, day - 1)) for n in (0, 1, 2, 2, 3, 4, 6)]
        + [("query", n * day + rng.randint(0, day - 1))
           for n in (0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 7)]
        + [("feedback", n * day + rng.randint(0, day - 1)) for n in (0, 1, 2, 3, 5)]
    )
    made = []
    for n, (kind, ago) in enumerate(plan):
        received_at = cal.add_office_seconds(now, -ago)
        subject = rng.choice(_QUEUE_SUBJECTS[kind])
        details = {"phone": f"07700 900{200 + n:03d}",
                   "preferred_time_words": "Any time in office hours (9am to 5pm)"} \
            if kind == "callback" else {}
        if kind == "complaint":
            details["outcome_wanted"] = "Put it right and tell me when it is done."
        if kind == "feedback":
            details["about"] = "event"
        if n % 3 == 2:  # a visitor, with no account
            first, last = name_at(n * 5, n * 3)
            who = {"name": f"{first} {last}",
                   "email": f"{first}.{last}.visitor{n}@example.demo.test".lower(),
                   "phone": details.get("phone", "")}
        else:
            who = {"requester": members[n % len(members)]}
            if n % 4 == 0:
                who["organisation"] = employers[n % len(employers)]
        request = services.submit_request(
            kind, subject=subject, received_at=received_at, details=details,
            body=f"{subject}. Please can you help? I contacted you about this on "
                 f"{'the phone' if kind == 'callback' else 'the website'}.",
            channel="phone" if kind == "callback" and n % 2 else "web", **who,
        ).request
        if n % 5 != 4:
            services.assign(request, staff[0], staff[n % len(staff)])
        made.append(request)
    # Some have moved on: answered with a date, or waiting for the customer.
    working = cal.add_working_days(cal.to_london(now).date(), 4)
    for request in made[5:40:6]:
        services.staff_reply(request, request.assignee or staff[0],
                             "Thank you. We are looking into this and will have it sorted "
                             "by the date below.", resolution_date=working)
    for request in made[8:40:9]:
        if request.status != "answered":
            services.wait_for_customer(request, request.assignee or staff[0],
                                       "Could you send us your membership number, please?")
    # Services stamp everything "now"; give the history the times it would have had.
    db.session.flush()
    for request in made:
        settle(request, realistic_times(request, now, cal, rng), cal)
    seed_closed_history(rng, staff, members, now, cal)
    db.session.flush()
