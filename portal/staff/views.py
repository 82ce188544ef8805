"""The staff console."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import func, select

from portal.accounts.models import Membership, Organisation, OrgKind, Role, User
from portal.extensions import db
from portal.staff import bp


@bp.route("/")
def dashboard():
    counts = {
        "members": db.session.scalar(
            select(func.count(Membership.id)).where(Membership.status == "active")
        ),
        "applicants": db.session.scalar(
            select(func.count(Membership.id)).where(Membership.status == "applicant")
        ),
        "employers": db.session.scalar(
            select(func.count(Organisation.id)).where(Organisation.kind == OrgKind.EMPLOYER)
        ),
        "centres": db.session.scalar(
            select(func.count(Organisation.id)).where(Organisation.kind == OrgKind.CENTRE)
        ),
        "staff": db.session.scalar(
            select(func.count(User.id)).where(User.role.in_([Role.STAFF, Role.ADMIN]))
        ),
    }
    return render_template("staff/dashboard.html", counts=counts)
