"""Builders for learning-centre tests: qualifications, centres, applications, learners."""

from __future__ import annotations

import io
import itertools
from datetime import date

from portal.approvals import documents, services
from portal.approvals.models import CentreApplication, Qualification
from portal.certificates.models import Completion
from portal.extensions import db
from tests.factories import make_organisation, make_user

_seq = itertools.count(1)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_qualification(code: str | None = None, **fields) -> Qualification:
    n = next(_seq)
    qualification = Qualification(
        code=code or f"Q-{n:03d}",
        title=fields.pop("title", f"Qualification {n}"),
        level=fields.pop("level", 3),
        **fields,
    )
    db.session.add(qualification)
    db.session.flush()
    return qualification


def make_centre_user(approved: bool = True, qualifications=(), **fields):
    """A centre user whose organisation is (or is not yet) approved for ``qualifications``."""
    organisation = make_organisation(
        "centre", is_approved=approved, reference=None if not approved else f"C-{next(_seq):05d}"
    )
    user = make_user("centre", organisation=organisation, **fields)
    if qualifications:
        services.grant_qualifications(organisation, [q.id for q in qualifications])
    db.session.flush()
    return user


def complete_application(user, qualification: Qualification | None = None) -> CentreApplication:
    """A draft with every step filled in and a document uploaded (not yet sent)."""
    application = services.start_application(user.organisation, user)
    services.save_step(
        application,
        "organisation",
        {
            "legal_name": "Brightwater Training Ltd",
            "address": "1 Quay Street\nBristol",
            "postcode": "BS1 4DJ",
            "phone": "0117 496 0000",
        },
    )
    services.save_step(
        application,
        "contacts",
        {
            "head_name": "Ada Lovelace",
            "head_email": "ada@example.test",
            "quality_name": "Grace Hopper",
            "quality_email": "grace@example.test",
        },
    )
    services.set_qualifications(application, [(qualification or make_qualification()).id])
    services.save_step(
        application,
        "quality",
        {
            "qa_lead_name": "Grace Hopper",
            "assessor_count": 4,
            "internal_qa": "Sampling every term.",
            "standardisation": "Meetings every term.",
        },
    )
    documents.add_document(application, user, "QA policy", "policy.pdf", io.BytesIO(PDF))
    return application


def make_completion(user, qualification: Qualification, **fields) -> Completion:
    n = next(_seq)
    completion = Completion(
        organisation_id=user.organisation_id,
        qualification_id=qualification.id,
        learner_name=fields.pop("learner_name", f"Learner {n}"),
        learner_ref=fields.pop("learner_ref", f"ID-{n:06d}"),
        completed_on=fields.pop("completed_on", date(2026, 10, 1)),
        recorded_by_id=user.id,
        **fields,
    )
    db.session.add(completion)
    db.session.flush()
    return completion
