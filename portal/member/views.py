"""The member's own pages."""

from __future__ import annotations

from flask import current_app, render_template
from flask_login import current_user

from portal.member import bp
from portal.public.templating import london_today


@bp.route("/")
def dashboard():
    membership = current_user.membership
    grades = dict(current_app.config["MEMBER_GRADES"])
    days_to_renewal = None
    if membership is not None and membership.renewal_date is not None:
        days_to_renewal = (membership.renewal_date - london_today()).days
    return render_template(
        "member/dashboard.html",
        membership=membership,
        grade_name=grades.get(membership.grade, membership.grade) if membership else None,
        days_to_renewal=days_to_renewal,
    )
