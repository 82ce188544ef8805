"""The member's own pages: the dashboard, new requests and each request's page."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from portal.clock import london_today
from portal.extensions import db
from portal.member import bp
from portal.member.forms import NewsPreferencesForm
from portal.notify.news import set_news_topics, subscribed_topics
from portal.requests import live, services
from portal.requests.forms import MEMBER_FORMS, grade_choices
from portal.requests.models import Kind


def _dashboard_requests() -> dict:
    user = current_user._get_current_object()
    return {
        **live.requests_of(user.id)._asdict(),
        "state_url": url_for("visitor.live_state", key=live.state_key("u", user.id)),
        "poll_ms": live.poll_milliseconds(),
    }


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
        **_dashboard_requests(),
    )


@bp.route("/requests/live")
def requests_live():
    """The dashboard's request lists, for live.js to swap in."""
    context = _dashboard_requests()
    response = current_app.make_response(render_template("member/_live_requests.html", **context))
    response.headers["ETag"] = context["etag"]
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Fragment"] = "1"
    return response


# ------------------------------------------------------------------------- new requests


def _allowed_forms() -> dict:
    """Which forms this member may use: applicants apply, members may upgrade."""
    membership = current_user.membership
    status = membership.status if membership else None
    allowed = {}
    for slug, form_class in MEMBER_FORMS.items():
        if form_class.kind == Kind.APPLICATION and status != "applicant":
            continue
        if form_class.kind == Kind.UPGRADE and (
            status != "active"
            or not grade_choices(current_app.config["MEMBER_GRADES"], membership.grade)
        ):
            continue
        allowed[slug] = form_class
    return allowed


@bp.route("/requests/new")
def new_request():
    return render_template(
        "requests/choose.html",
        forms=_allowed_forms(),
        endpoint="member.new_request_form",
        visitor=False,
    )


@bp.route("/requests/new/<slug>", methods=["GET", "POST"])
def new_request_form(slug: str):
    form_class = _allowed_forms().get(slug)
    if form_class is None:
        abort(404)
    user = current_user._get_current_object()
    form = form_class()
    grades = current_app.config["MEMBER_GRADES"]
    if "grade" in form:
        above = user.membership.grade if form.kind == Kind.UPGRADE else None
        form.grade.choices = grade_choices(grades, above)
    if form.kind == Kind.CALLBACK and not form.is_submitted():
        form.phone.data = user.phone
    if form.validate_on_submit():
        subject, body, details = form.values()
        key = form.submission_key.data or None
        try:
            submission = services.submit_request(
                form.kind,
                subject=subject,
                body=body,
                requester=user,
                phone=details.get("phone", ""),
                details=details,
                uploads=form.uploads,
                submission_key=key,
            )
            db.session.commit()
            made = submission.request
        except IntegrityError:
            # The same form sent twice at once: the other copy won the race.
            db.session.rollback()
            made = key and services.find_duplicate_submission(user.email, key)
            if not made:
                raise
        return redirect(url_for("member.request_confirmation", reference=made.reference))
    form.fresh_key()
    return render_template(
        "requests/new.html",
        form=form,
        visitor=False,
        action=url_for("member.new_request_form", slug=slug),
    )


@bp.route("/preferences", methods=["GET", "POST"])
def preferences():
    """Which news the member wants; service email always goes (docs/NOTIFICATIONS.md)."""
    form = NewsPreferencesForm()
    if request.method == "GET":
        for topic in subscribed_topics(current_user):
            form[topic].data = True
    if form.validate_on_submit():
        set_news_topics(current_user, form.chosen_topics())
        db.session.commit()
        flash("Your email choices are saved.", "success")
        return redirect(url_for("member.preferences"))
    return render_template("member/preferences.html", form=form)
