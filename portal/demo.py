"""Demonstration data: the demo sign-ins and enough people and organisations to explore.

Idempotent: each account is created only if its email is not already registered.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from portal.accounts.models import Membership, MemberStatus, Organisation, OrgKind, Role, User
from portal.auth.passwords import hash_password
from portal.database import utcnow
from portal.extensions import db

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - published demo sign-in, refused in production

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


def _london_today() -> date:
    return datetime.now(ZoneInfo("Europe/London")).date()


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
    today = _london_today()
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
        # Inside the four-week window, so the worker's start-up run queues her reminder
        # and it shows in the development mailbox (CHARTER.md section 4).
        joined_on=date(2019, 3, 14), renewal_date=today + timedelta(days=26),
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
    return created
