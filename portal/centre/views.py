"""A learning centre user's pages: the dashboard. Approval is in application.py and the
learners' certificates in learners.py."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select

from portal.approvals import services
from portal.centre import bp
from portal.certificates.models import AWAITING_DISPATCH, CertificateStatus, Completion
from portal.database import utcnow
from portal.extensions import db


@bp.route("/")
def dashboard():
    organisation = current_user.organisation
    application = counts = None
    if organisation is not None and not organisation.is_approved:
        application = services.current_application(organisation)
    elif organisation is not None:
        by_status = dict(
            db.session.execute(
                select(Completion.status, func.count(Completion.id))
                .where(Completion.organisation_id == organisation.id)
                .group_by(Completion.status)
            ).all()
        )
        overdue = db.session.scalar(
            select(func.count(Completion.id)).where(
                Completion.organisation_id == organisation.id,
                Completion.status.in_(AWAITING_DISPATCH),
                Completion.dispatch_due_at < utcnow(),
            )
        )
        counts = {
            "waiting": by_status.get(CertificateStatus.RECORDED.value, 0),
            "in_progress": sum(by_status.get(s, 0) for s in AWAITING_DISPATCH),
            "posted": by_status.get(CertificateStatus.DISPATCHED.value, 0),
            "overdue": overdue,
        }
    return render_template(
        "centre/dashboard.html",
        organisation=organisation,
        application=application,
        counts=counts,
    )
