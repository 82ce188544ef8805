"""Pages anyone can see, and the health check."""

from __future__ import annotations

from flask import jsonify, redirect, render_template
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.accounts.access import dashboard_url
from portal.charter import PROMISE_CODES as PROMISE_ORDER
from portal.extensions import db
from portal.health import health_report
from portal.visitor import bp


@bp.route("/")
def home():
    return render_template("visitor/home.html")


@bp.route("/dashboard")
def dashboard():
    """Where the header's "Your dashboard" link goes: the right one for the role."""
    if not current_user.is_authenticated:
        return redirect("/account/sign-in")
    return redirect(dashboard_url(current_user))


@bp.route("/healthz")
def healthz():
    """503 only when the database is unreachable (nothing works without it). A Redis or mail
    server that cannot be reached is "degraded", still 200: the portal works around both
    (docs/DEPLOY.md), and a load balancer must not take every instance out for it."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(health_report())


@bp.route("/charter")
def charter():
    """Every promise in plain words with its current target, and the phone lines' state."""
    from portal.charter.wording import same_day_description
    from portal.settings.services import current_promises, office_settings

    promises = current_promises()
    settings = office_settings()
    return render_template(
        "visitor/charter.html",
        promises=[promises[code] for code in PROMISE_ORDER],
        settings=settings,
        same_day_sentence=same_day_description(settings.same_day_cutoff),
    )
