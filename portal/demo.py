"""Demonstration data: the demo sign-ins and enough people and organisations to explore.

Idempotent: each account is created only if its email is not already registered.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from portal.accounts.models import Membership, MemberStatus, Organisation, OrgKind, Role, User
from portal.auth.passwords import hash_password
from portal.database import utcnow
from portal.extensions import db
from portal.public.templating import london_today

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - published demo sign-in, refused in production
# Staff and administrators must use two-step sign-in; the demo ones share this published
# authenticator key (add it to any authenticator app to sign in as them).
DEMO_TOTP_SECRET = "DEMOPORTALDEMOPORTALDEMOPORTAL22"  # noqa: S105 - demo only

DEMO_ACCOUNTS = [
    ("member@demo.test", "member", "Priya Sharma"),
    ("applicant@demo.test", "applicant", "Tom Okafor"),
    ("employer@demo.test", "employer", "Grace Whitfield"),
    ("centre@demo.test", "centre", "Daniel Hughes"),
    ("support@demo.test", "staff", "Sam Patel"),
    ("admin@demo.test", "admin", "Alex Morgan"),
]

_FIRST = ["Olivia", "Mohammed", "Amelia", "Noah", "Isla", "George", "Ava", "Arthur", "Mia",
          "Leo", "Freya", "Oscar", "Zara", "Harry", "Evie", "Jacob", "Ruby", "Yusuf",
          "Chloe", "Ethan", "Aisha", "Callum", "Niamh", "Rhys"]
_LAST = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
         "Patel", "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts",
         "Green", "Hall", "Khan", "Clarke", "Lewis", "Begum", "Murphy", "Campbell"]


def _user(email: str, name: str, role: Role, password_hash: str, **fields) -> User:
    user = User(
        email=email,
        full_name=name,
        role=role.value,
        password_hash=password_hash,
        email_verified_at=utcnow(),
        **fields,
    )
    db.session.add(user)
    return user


def seed() -> int:
    """Load the demo data; returns how many accounts were created (0 when already there)."""
    if db.session.scalar(select(User.id).where(User.email == DEMO_ACCOUNTS[0][0])):
        return 0
    rng = random.Random(2026)
    today = london_today()
    pw = hash_password(DEMO_PASSWORD)
    created = 0

    support = _user("support@demo.test", "Sam Patel", Role.STAFF, pw,
                    job_title="Employer Support Manager", phone="020 7946 0101")
    deputy = _user("deputy@demo.test", "Jordan Lee", Role.STAFF, pw,
                   job_title="Employer Support Adviser", phone="020 7946 0102")
    _user("centres.team@demo.test", "Morgan Price", Role.STAFF, pw,
          job_title="Centre Quality Officer", phone="020 7946 0103")
    _user("admin@demo.test", "Alex Morgan", Role.ADMIN, pw,
          job_title="Customer Service Lead", phone="020 7946 0100")
    created += 4

    employers = [
        Organisation(kind=OrgKind.EMPLOYER.value, name="Northbridge Housing Group",
                     reference="EMP-10041", address="12 Canal Street, Manchester M1 3HE",
                     phone="0161 496 0500", is_approved=True,
                     support_contact=support, deputy_contact=deputy),
        Organisation(kind=OrgKind.EMPLOYER.value, name="Severn Valley NHS Trust",
                     reference="EMP-10057", address="Riverside House, Worcester WR1 2AB",
                     phone="01905 496 200", is_approved=True,
                     support_contact=support, deputy_contact=deputy),
        Organisation(kind=OrgKind.EMPLOYER.value, name="Harbour Logistics Ltd",
                     reference="EMP-10062", address="Dock Road, Southampton SO14 3GG",
                     phone="023 8049 6300", is_approved=True,
                     support_contact=deputy, deputy_contact=support),
    ]
    centres = [
        Organisation(kind=OrgKind.CENTRE.value, name="Riverside College",
                     reference="C-20418", address="College Road, Leeds LS2 8AA",
                     phone="0113 496 0700", is_approved=True),
        Organisation(kind=OrgKind.CENTRE.value, name="Pennine Training Partnership",
                     reference="C-20433", address="5 Mill Lane, Halifax HX1 1QE",
                     phone="01422 496 300", is_approved=True),
        Organisation(kind=OrgKind.CENTRE.value, name="Coastal Skills Academy",
                     reference=None, address="2 Marine Parade, Brighton BN2 1TL",
                     phone="01273 496 900", is_approved=False),
    ]
    db.session.add_all(employers + centres)

    _user("employer@demo.test", "Grace Whitfield", Role.EMPLOYER, pw,
          organisation=employers[0], job_title="Head of Learning and Development",
          phone="0161 496 0511")
    _user("hr@northbridge.demo.test", "Ben Carter", Role.EMPLOYER, pw,
          organisation=employers[0], job_title="HR Business Partner")
    _user("learning@severn.demo.test", "Hannah Price", Role.EMPLOYER, pw,
          organisation=employers[1], job_title="Leadership Programme Lead")
    _user("centre@demo.test", "Daniel Hughes", Role.CENTRE, pw,
          organisation=centres[0], job_title="Centre Manager", phone="0113 496 0701")
    _user("quality@pennine.demo.test", "Fatima Ali", Role.CENTRE, pw,
          organisation=centres[1], job_title="Quality Nominee")
    created += 5

    member = _user("member@demo.test", "Priya Sharma", Role.MEMBER, pw, phone="07700 900123")
    member.membership = Membership(
        membership_number="M0104417", grade="member", status=MemberStatus.ACTIVE.value,
        joined_on=date(2019, 3, 14), renewal_date=today + timedelta(days=33),
    )
    applicant = _user("applicant@demo.test", "Tom Okafor", Role.MEMBER, pw)
    applicant.membership = Membership(grade="associate", status=MemberStatus.APPLICANT.value)
    created += 2

    statuses = [MemberStatus.ACTIVE] * 8 + [MemberStatus.LAPSED, MemberStatus.RESIGNED]
    grades = ["affiliate", "associate", "member", "member", "fellow"]
    for n in range(30):
        first, last = _FIRST[n % len(_FIRST)], _LAST[(n * 7) % len(_LAST)]
        person = _user(f"{first}.{last}{n}@example.demo.test".lower(), f"{first} {last}",
                       Role.MEMBER, pw)
        status = rng.choice(statuses)
        person.membership = Membership(
            membership_number=f"M01{n + 20000:05d}",
            grade=rng.choice(grades),
            status=status.value,
            joined_on=today - timedelta(days=rng.randint(200, 4000)),
            renewal_date=today + timedelta(days=rng.randint(-60, 330)),
        )
        created += 1
    db.session.flush()
    from portal.auth.models import TwoFactor

    for user in db.session.scalars(
        select(User).where(User.role.in_([Role.STAFF.value, Role.ADMIN.value]))
    ):
        if db.session.get(TwoFactor, user.id) is None:
            db.session.add(
                TwoFactor(user_id=user.id, secret=DEMO_TOTP_SECRET, confirmed_at=utcnow())
            )
    db.session.flush()
    _demo_requests(member, applicant, support)
    return created


def _demo_requests(member: User, applicant: User, staff: User) -> None:
    """A few requests with history, so the member's pages show every state (CHARTER.md §5-6)."""
    from portal.requests import services
    from portal.settings.services import get_calendar

    cal = get_calendar()
    now = utcnow()

    def back(working_days: int, hour: int) -> datetime:
        day = london_today()
        for _ in range(working_days):
            day = day - timedelta(days=1)
            while not cal.is_working_day(day):
                day = day - timedelta(days=1)
        return cal.london_instant(day, time(hour, 0))

    def spread(request, start: datetime) -> None:
        # Services stamp events "now"; spread them between receipt and now so the timeline
        # reads like the days it took.
        events = request.events
        step = (now - start) / (len(events) + 1)
        for n, event in enumerate(events):
            event.created_at = start + step * n

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
