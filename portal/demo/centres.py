"""The demo centres' side: qualifications, learners' certificates in every state, and centre
applications (one draft, one sent and waiting for staff)."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import Organisation, OrgKind, Role, User
from portal.accounts.passwords import hash_password
from portal.approvals import documents, services
from portal.approvals.models import CentreApplication, Qualification
from portal.certificates import services as completions
from portal.certificates.models import Completion
from portal.clock import london_today
from portal.database import utcnow
from portal.demo.people import DEMO_PASSWORD, demo_user, name_at
from portal.extensions import db

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
        first, last = name_at(n * 5, n * 11)
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

    _seed_registrations(riverside, centre_user, quals["CSC-301"], now)

    created = 0
    pw = hash_password(DEMO_PASSWORD)
    applicant = demo_user("newcentre@demo.test", "Ellie Marsh", Role.CENTRE, pw,
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
    sender = demo_user("moorland@demo.test", "Kwame Mensah", Role.CENTRE, pw,
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
    documents.add_document(sent, sender, "Quality assurance policy", "qa-policy.pdf",
                          io.BytesIO(_DEMO_PDF))
    services.submit_application(sent, sender, now=now - timedelta(days=3))
    db.session.flush()
    return created


def _seed_registrations(riverside, centre_user, qualification, now) -> None:
    """Riverside's registered learners (issue 20): two just started, one claimed and waiting
    for our check; Team Leading runs on direct claim status."""
    from portal.certificates import claims, registrations

    started = london_today() - timedelta(days=60)
    for n, (name, ref) in enumerate((("Hana Kowalska", "RC-007101"),
                                     ("Idris Mensah", "RC-007102"),
                                     ("Jodie Fraser", "RC-007103"))):
        registration = registrations.register_learner(
            riverside, centre_user, learner_name=name, learner_ref=ref,
            qualification_id=qualification.id, started_on=started)
        if n == 2:
            claims.claim(registration, centre_user, claim_kind="full", units="",
                         completed_on=london_today() - timedelta(days=2),
                         assessment_signed_off=True, now=now - timedelta(days=1))
    team_leading = db.session.scalar(select(Qualification.id).where(
        Qualification.code == "TLM-301"))
    claims.set_sign_off_route(riverside, team_leading, "direct", None)

