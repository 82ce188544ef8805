"""The member's own pages: the dashboard, new requests and each request's page."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.clock import london_today
from portal.member import bp
from portal.member import services as member_services
from portal.member.forms import NewsPreferencesForm
from portal.membership.news import set_news_topics, subscribed_topics
from portal.requests import live, pages, services


def _dashboard_requests() -> dict:
    user = current_user._get_current_object()
    return {
        **member_services.request_lists(user),
        "state_url": url_for("visitor.live_state", key=live.state_key("u", user.id)),
        "poll_ms": live.poll_milliseconds(),
    }


@bp.route("/")
def dashboard():
    return render_template(
        "member/dashboard.html",
        **member_services.membership_summary(current_user, london_today()),
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


@bp.route("/requests/new")
def new_request():
    return render_template(
        "requests/choose.html",
        forms=member_services.allowed_forms(current_user),
        endpoint="member.new_request_form",
        visitor=False,
    )


@bp.route("/requests/new/<slug>", methods=["GET", "POST"])
def new_request_form(slug: str):
    form_class = member_services.allowed_forms(current_user).get(slug)
    if form_class is None:
        abort(404)
    user = current_user._get_current_object()
    if form_class.kind.value in member_services.ONE_AT_A_TIME:
        pending = member_services.pending_membership_request(user)
        if pending is not None:
            # One application or upgrade at a time: point to the one in progress.
            page = render_template("member/already_pending.html", pending=pending,
                                   promise=pages.promise_summary(pending))
            return page, 409 if request.method == "POST" else 200
    form = member_services.new_request_form(form_class, user)
    action = url_for("member.new_request_form", slug=slug)
    if form.validate_on_submit():
        if (step := pages.before_you_send(form, action)) is not None:
            return step
        subject, body, details = form.values()
        made = services.submit_once(
            form.kind, subject=subject, body=body, requester=user,
            phone=details.get("phone", ""), details=details, uploads=form.uploads,
            submission_key=form.submission_key.data or None,
        )
        pages.note_articles_read(form, made)
        return redirect(url_for("member.request_confirmation", reference=made.reference))
    form.fresh_key()
    return render_template("requests/new.html", form=form, visitor=False, action=action)


@bp.route("/preferences", methods=["GET", "POST"])
def preferences():
    """Which news the member wants; service email always goes (docs/NOTIFICATIONS.md)."""
    form = NewsPreferencesForm()
    if request.method == "GET":
        for topic in subscribed_topics(current_user):
            form[topic].data = True
    if form.validate_on_submit():
        set_news_topics(current_user, form.chosen_topics())
        flash("Your email choices are saved.", "success")
        return redirect(url_for("member.preferences"))
    return render_template("member/preferences.html", form=form)
