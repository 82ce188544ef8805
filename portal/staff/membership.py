"""Membership decisions: applications and upgrades with their evidence (CHARTER.md §4)."""

from __future__ import annotations

from flask import abort, current_app, render_template

from portal.requests.models import Kind
from portal.staff import bp
from portal.staff import services as staff_services
from portal.staff.requests import load_request, render_page, viewed


@bp.route("/membership")
def membership():
    return render_template("staff/membership.html",
                           items=staff_services.membership_queue(),
                           grade_names=dict(current_app.config["MEMBER_GRADES"]))


@bp.route("/membership/<reference>")
def membership_decision(reference: str):
    r = load_request(reference)
    if r.kind not in (Kind.APPLICATION, Kind.UPGRADE):
        abort(404)
    return viewed(r, render_page(r, template="staff/membership_decision.html"))
