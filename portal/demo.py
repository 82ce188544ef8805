"""Demonstration data: the demo sign-ins and enough people and organisations to explore.

Idempotent: each account is created only if its email is not already registered.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from portal.accounts.models import Membership, MemberStatus, Organisation, OrgKind, Role, User
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
        # Databases seeded before the centres' data existed get it now.
        return seed_centres()
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
    from portal.accounts.models import TwoFactor

    for user in db.session.scalars(
        select(User).where(User.role.in_([Role.STAFF.value, Role.ADMIN.value]))
    ):
        if db.session.get(TwoFactor, user.id) is None:
            db.session.add(
                TwoFactor(user_id=user.id, secret=DEMO_TOTP_SECRET, confirmed_at=utcnow())
            )
    db.session.flush()
    _demo_requests(member, applicant, support)
    _demo_queue(rng)
    return created + seed_centres()


QUALIFICATIONS = [
    ("CSC-201", "Certificate in Customer Service", 2),
    ("COM-201", "Award in Complaints Handling", 2),
    ("CSC-301", "Diploma in Customer Service", 3),
    ("TLM-301", "Certificate in Team Leading", 3),
    ("OPM-401", "Diploma in Service Operations Management", 4),
    ("CXM-501", "Diploma in Customer Experience Leadership", 5),
]

# A tiny valid PDF, so the demo's sent application has a document to open.
_DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def seed_centres() -> int:
    """Qualifications, learners' certificates in every state (one overdue) for Riverside
    College, a draft application for Coastal Skills Academy and a sent one waiting for staff.
    Returns how many accounts it created (0 when already there)."""
    import io

    from portal.approvals import services
    from portal.approvals.models import CentreApplication, Qualification
    from portal.certificates import services as completions
    from portal.certificates.models import Completion

    if db.session.scalar(select(Qualification.id).limit(1)):
        return 0
    now = utcnow()
    quals = {code: Qualification(code=code, title=title, level=level)
             for code, title, level in QUALIFICATIONS}
    db.session.add_all(quals.values())
    db.session.flush()
    staff = db.session.scalar(select(User).where(User.email == "centres.team@demo.test"))
    centre_user = db.session.scalar(select(User).where(User.email == "centre@demo.test"))
    riverside = centre_user.organisation
    pennine = db.session.scalar(select(Organisation).where(Organisation.reference == "C-20433"))
    coastal = db.session.scalar(
        select(Organisation).where(Organisation.name == "Coastal Skills Academy")
    )
    services.grant_qualifications(
        riverside, [quals[c].id for c in ("CSC-201", "CSC-301", "TLM-301")]
    )
    services.grant_qualifications(pennine, [quals[c].id for c in ("CSC-201", "COM-201")])

    # Riverside's learners: (days ago completed, days ago signed off, stage)
    plan = [
        (3, None, "recorded"), (4, None, "recorded"), (6, None, "recorded"),
        (10, 2, "signed_off"), (12, 5, "signed_off"),
        (70, 45, "printed"),  # signed off long ago and still not posted: overdue
        (40, 20, "printed"),
        (60, 30, "dispatched"), (50, 25, "dispatched"), (30, 12, "dispatched"),
        (90, 60, "returned"),
        (20, None, "rejected"),
    ]
    codes = ["CSC-301", "CSC-201", "TLM-301"]
    for n, (completed_ago, signed_ago, stage) in enumerate(plan):
        first, last = _FIRST[(n * 5) % len(_FIRST)], _LAST[(n * 11) % len(_LAST)]
        completion = Completion(
            organisation_id=riverside.id,
            qualification_id=quals[codes[n % 3]].id,
            learner_name=f"{first} {last}",
            learner_ref=(
                f"RC-{4500 + n:06d}" if n % 2 else f"{first}.{last}@learner.demo.test".lower()
            ),
            completed_on=london_today() - timedelta(days=completed_ago),
            recorded_by_id=centre_user.id,
            recorded_at=now - timedelta(days=max(completed_ago - 1, 1)),
        )
        db.session.add(completion)
        db.session.flush()
        if stage == "rejected":
            completions.reject_completion(
                completion, staff, "The learner's final unit has no assessor sign-off on file."
            )
        if signed_ago is None:
            continue
        signed = now - timedelta(days=signed_ago)
        completions.sign_off([completion], staff, now=signed)
        if stage == "signed_off":
            continue
        completions.mark_printed([completion], now=signed + timedelta(days=2))
        if stage == "printed":
            continue
        completions.mark_dispatched(
            [completion],
            "uk-first" if n % 2 else "uk-second",
            "" if n % 2 else f"KF{71234560 + n}GB",
            now=signed + timedelta(days=5),
        )
        if stage == "returned":
            completions.mark_returned(
                completion, "Addressee unknown", now=signed + timedelta(days=12)
            )

    created = 0
    pw = hash_password(DEMO_PASSWORD)
    applicant = _user("newcentre@demo.test", "Ellie Marsh", Role.CENTRE, pw,
                      organisation=coastal, job_title="Centre Director", phone="01273 496 901")
    created += 1
    draft = CentreApplication(
        organisation=coastal, created_by=applicant, legal_name="Coastal Skills Academy Ltd",
        address="2 Marine Parade\nBrighton", postcode="BN2 1TL", phone="01273 496 900",
        website="www.coastalskills.demo.test", head_name="Ellie Marsh",
        head_email="newcentre@demo.test",
    )
    draft.qualifications = [quals["CSC-201"]]
    db.session.add(draft)

    moorland = Organisation(kind=OrgKind.CENTRE.value, name="Moorland Learning Trust",
                            address="Abbey Yard, Hexham NE46 3NB", phone="01434 496 200")
    db.session.add(moorland)
    sender = _user("moorland@demo.test", "Kwame Mensah", Role.CENTRE, pw,
                   organisation=moorland, job_title="Head of Centre")
    created += 1
    sent = CentreApplication(
        organisation=moorland, created_by=sender, legal_name="Moorland Learning Trust",
        address="Abbey Yard\nHexham", postcode="NE46 3NB", phone="01434 496 200",
        registration_number="1187654", head_name="Kwame Mensah",
        head_email="moorland@demo.test", quality_name="Sofia Rossi",
        quality_email="quality@moorland.demo.test", qa_lead_name="Sofia Rossi",
        assessor_count=6,
        internal_qa="Each assessor is sampled every term: one observation and five portfolios.",
        standardisation="Termly standardisation meetings with minutes and follow-up actions.",
    )
    sent.qualifications = [quals["CSC-301"], quals["TLM-301"]]
    db.session.add(sent)
    db.session.flush()
    services.add_document(sent, sender, "Quality assurance policy", "qa-policy.pdf",
                          io.BytesIO(_DEMO_PDF))
    services.submit_application(sent, sender, now=now - timedelta(days=3))
    db.session.flush()
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


def _demo_queue(rng: random.Random) -> None:
    """About forty open requests, so the staff queue has something on every line:
    members and visitors, every kind, assigned and not, overdue, at risk and on track
    (CHARTER.md section 7). Receipts are placed in office time before now, so the
    states hold whatever the time of day the demo is loaded."""
    from portal.requests import services
    from portal.settings.services import get_calendar
    from portal.staff.models import ReusableReply

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
            first, last = _FIRST[(n * 5) % len(_FIRST)], _LAST[(n * 3) % len(_LAST)]
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
    # Services stamp events "now"; place them between receipt and now, like the real days.
    for request in made:
        step = (now - request.received_at) / (len(request.events) + 1)
        for n, event in enumerate(request.events):
            event.created_at = request.received_at + step * n
    db.session.flush()
