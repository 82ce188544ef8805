"""The learning-centre areas' part of "download everything" and erasure (docs/SECURITY.md
V14), registered with :mod:`portal.privacy.registry` on import; :mod:`portal.privacy.services`
imports this module, so an export or an erasure always includes it.

A centre contact's personal data here is the contact details typed into an application (head
of centre, quality contact) under their own email address, and what they uploaded or
recorded. Learners' names belong to the learners, not the contact, so are never exported
here; an erasure removes the person's own contact details and keeps the centre's records.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select

from portal.accounts.models import User
from portal.approvals.models import CentreApplication, CentreDocument
from portal.certificates.models import Completion, Registration
from portal.extensions import db
from portal.privacy.registry import ERASED_NAME, ExportPart, iso, register_eraser, register_exporter


def _named_in(email: str):
    """Applications naming ``email`` as a contact (compared without case)."""
    return select(CentreApplication).where(
        or_(
            func.lower(CentreApplication.head_email) == email,
            func.lower(CentreApplication.quality_email) == email,
        )
    ).order_by(CentreApplication.id)


_CONTACTS = (("head", "head of centre"), ("quality", "quality contact"))


@register_exporter("centres")
def export_centres(user: User) -> ExportPart:
    """Where ``user`` is named as a contact, and what they started, uploaded or recorded;
    nothing at all for someone who is neither a contact nor a centre user."""
    email = user.email.lower()
    contacts = []
    for application in db.session.scalars(_named_in(email)):
        for prefix, role in _CONTACTS:
            if (getattr(application, f"{prefix}_email") or "").lower() == email:
                contacts.append(
                    {"application": application.id, "as": role,
                     "name": getattr(application, f"{prefix}_name"),
                     "email": getattr(application, f"{prefix}_email"),
                     "phone": getattr(application, f"{prefix}_phone")}
                )
    started = db.session.scalars(
        select(CentreApplication).where(CentreApplication.created_by_id == user.id)
    )
    documents = db.session.scalars(
        select(CentreDocument).where(CentreDocument.uploaded_by_id == user.id)
    )
    recorded = db.session.scalar(
        select(func.count(Completion.id)).where(Completion.recorded_by_id == user.id)
    )
    if not contacts and user.role != "centre":
        return ExportPart(rows=None)
    return ExportPart(
        rows={
            "named_as_contact": contacts,
            "applications_you_started": [
                {"application": a.id, "status": a.status, "started_at": iso(a.created_at),
                 "sent_at": iso(a.received_at)}
                for a in started
            ],
            "documents_you_uploaded": [
                {"title": d.title, "name": d.original_name, "uploaded_at": iso(d.uploaded_at)}
                for d in documents
            ],
            "learner_results_you_recorded": recorded or 0,
            "learners_you_registered": db.session.scalar(
                select(func.count(Registration.id)).where(Registration.registered_by_id == user.id)
            ) or 0,
        }
    )


@register_eraser("centres")
def erase_centres(user: User) -> None:
    """Remove ``user``'s own contact details from applications; the centre's records stay."""
    email = user.email.lower()
    for application in db.session.scalars(_named_in(email)):
        for prefix, _role in _CONTACTS:
            if (getattr(application, f"{prefix}_email") or "").lower() == email:
                setattr(application, f"{prefix}_name", ERASED_NAME)
                setattr(application, f"{prefix}_email", "")
                setattr(application, f"{prefix}_phone", "")
    db.session.flush()
