"""The demo people: staff, employers and centres with their contacts, and members.

The published demo password and the staff's shared authenticator key are here too, so the
sign-in tests and ``flask demo accounts`` read them from the one place.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from portal.accounts.models import (
    Membership,
    MemberStatus,
    Organisation,
    OrgKind,
    Role,
    TwoFactor,
    User,
)
from portal.accounts.passwords import hash_password
from portal.clock import london_today
from portal.database import utcnow
from portal.extensions import db

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
    ("newcentre@demo.test", "centre (applying)", "Ellie Marsh"),
    ("centres.team@demo.test", "staff", "Morgan Price"),
]

FIRST_NAMES = ["Olivia", "Mohammed", "Amelia", "Noah", "Isla", "George", "Ava", "Arthur", "Mia",
               "Leo", "Freya", "Oscar", "Zara", "Harry", "Evie", "Jacob", "Ruby", "Yusuf",
               "Chloe", "Ethan", "Aisha", "Callum", "Niamh", "Rhys"]
LAST_NAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
              "Patel", "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts",
              "Green", "Hall", "Khan", "Clarke", "Lewis", "Begum", "Murphy", "Campbell"]


def demo_user(email: str, name: str, role: Role, password_hash: str, **fields) -> User:
    """A demo account with its email already verified, so it can sign in at once."""
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


def name_at(first: int, last: int) -> tuple[str, str]:
    """A first and last name from the lists, wrapping round, so the demo reads like people."""
    return FIRST_NAMES[first % len(FIRST_NAMES)], LAST_NAMES[last % len(LAST_NAMES)]


@dataclass(frozen=True)
class People:
    """Who the demo's requests are made by and answered by, and how many accounts exist."""

    created: int
    member: User
    applicant: User
    support: User


def seed_people(rng: random.Random) -> People:
    """The staff (with two-step sign-in), employers and centres with their contacts, the
    demo member and applicant, and thirty members in every state."""
    today = london_today()
    pw = hash_password(DEMO_PASSWORD)
    created = 0

    support = demo_user("support@demo.test", "Sam Patel", Role.STAFF, pw,
                    job_title="Employer Support Manager", phone="020 7946 0101")
    deputy = demo_user("deputy@demo.test", "Jordan Lee", Role.STAFF, pw,
                   job_title="Employer Support Adviser", phone="020 7946 0102")
    demo_user("centres.team@demo.test", "Morgan Price", Role.STAFF, pw,
          job_title="Centre Quality Officer", phone="020 7946 0103")
    demo_user("admin@demo.test", "Alex Morgan", Role.ADMIN, pw,
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

    demo_user("employer@demo.test", "Grace Whitfield", Role.EMPLOYER, pw,
          organisation=employers[0], job_title="Head of Learning and Development",
          phone="0161 496 0511")
    demo_user("hr@northbridge.demo.test", "Ben Carter", Role.EMPLOYER, pw,
          organisation=employers[0], job_title="HR Business Partner")
    demo_user("learning@severn.demo.test", "Hannah Price", Role.EMPLOYER, pw,
          organisation=employers[1], job_title="Leadership Programme Lead")
    demo_user("centre@demo.test", "Daniel Hughes", Role.CENTRE, pw,
          organisation=centres[0], job_title="Centre Manager", phone="0113 496 0701")
    demo_user("quality@pennine.demo.test", "Fatima Ali", Role.CENTRE, pw,
          organisation=centres[1], job_title="Quality Nominee")
    created += 5

    member = demo_user("member@demo.test", "Priya Sharma", Role.MEMBER, pw, phone="07700 900123")
    member.membership = Membership(
        membership_number="M0104417", grade="member", status=MemberStatus.ACTIVE.value,
        # Inside the four-week window, so the worker's start-up run queues her reminder
        # and it shows in the development mailbox (CHARTER.md section 4).
        joined_on=date(2019, 3, 14), renewal_date=today + timedelta(days=26),
    )
    applicant = demo_user("applicant@demo.test", "Tom Okafor", Role.MEMBER, pw)
    applicant.membership = Membership(grade="associate", status=MemberStatus.APPLICANT.value)
    created += 2

    statuses = [MemberStatus.ACTIVE] * 8 + [MemberStatus.LAPSED, MemberStatus.RESIGNED]
    grades = ["affiliate", "associate", "member", "member", "fellow"]
    for n in range(30):
        first, last = name_at(n, n * 7)
        person = demo_user(f"{first}.{last}{n}@example.demo.test".lower(), f"{first} {last}",
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

    for user in db.session.scalars(
        select(User).where(User.role.in_([Role.STAFF.value, Role.ADMIN.value]))
    ):
        if db.session.get(TwoFactor, user.id) is None:
            db.session.add(
                TwoFactor(user_id=user.id, secret=DEMO_TOTP_SECRET, confirmed_at=utcnow())
            )
    db.session.flush()
    return People(created, member, applicant, support)
