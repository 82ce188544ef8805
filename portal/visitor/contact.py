"""Visitors' pages (the public contact forms and private links) and the live state endpoint."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from portal.extensions import db, limiter
from portal.requests import live, pages, services
from portal.requests.forms import VISITOR_FORMS
from portal.requests.models import ServiceRequest
from portal.visitor import bp


@bp.route("/contact")
def contact():
    return render_template("requests/choose.html", forms=VISITOR_FORMS,
                           endpoint="visitor.contact_form", visitor=True)


def _contact_limit() -> str:
    return current_app.config["CONTACT_RATE_LIMIT"]


def _recipient_limit() -> str:
    return current_app.config["CONTACT_RECIPIENT_RATE_LIMIT"]


def _recipient() -> str:
    """The address the form would make us email: limited on its own, so nobody can use the
    portal to flood a stranger's inbox from many client addresses (issue #14)."""
    return "contact-to:" + (request.form.get("email") or "").strip().lower()[:254]


@bp.route("/contact/<slug>", methods=["GET", "POST"])
@limiter.limit(_contact_limit, methods=["POST"])
@limiter.limit(_recipient_limit, methods=["POST"], key_func=_recipient)
def contact_form(slug: str):
    form_class = VISITOR_FORMS.get(slug)
    if form_class is None:
        abort(404)
    form = form_class()
    action = url_for("visitor.contact_form", slug=slug)
    if form.validate_on_submit():
        if (step := pages.before_you_send(form, action)) is not None:
            return step
        subject, body, details = form.values()
        phone = form.phone.data if "phone" in form else form.contact_phone.data
        made = services.submit_once(
            form.kind, subject=subject, body=body, name=form.full_name.data,
            email=form.email.data, phone=phone or "", details=details,
            uploads=form.uploads, submission_key=form.submission_key.data or None,
        )
        pages.note_articles_read(form, made)
        session["contact_sent"] = made.id
        return redirect(url_for("visitor.contact_received"))
    form.fresh_key()
    return render_template("requests/new.html", form=form, visitor=True, action=action)


@bp.route("/contact/received")
def contact_received():
    request_id = session.get("contact_sent")
    made = db.session.get(ServiceRequest, request_id) if isinstance(request_id, int) else None
    if made is None:
        return redirect(url_for("visitor.contact"))
    return render_template("requests/confirmation.html", r=made,
                           promise=pages.promise_summary(made), visitor=True)


# ------------------------------------------------------------ a visitor's private link


def _visitor_page(token: str) -> pages.RequestPage:
    # The link is the visitor's only credential; the policy checks it against the request.
    return pages.open_page(services.find_by_private_token(token), "visitor", {"token": token})


@bp.route("/r/<token>")
def private_detail(token: str):
    return pages.render_detail(_visitor_page(token))


@bp.route("/r/<token>/live")
def private_live(token: str):
    return pages.render_fragment(_visitor_page(token))


@bp.route("/r/<token>/reply", methods=["POST"])
def private_reply(token: str):
    return pages.reply(_visitor_page(token))


@bp.route("/r/<token>/accept-date", methods=["POST"])
def private_accept(token: str):
    return pages.accept(_visitor_page(token))


@bp.route("/r/<token>/discuss-date", methods=["POST"])
def private_discuss(token: str):
    return pages.discuss(_visitor_page(token))


@bp.route("/r/<token>/rate", methods=["POST"])
def private_rate(token: str):
    return pages.rate(_visitor_page(token))


@bp.route("/r/<token>/files/<int:attachment_id>")
def private_file(token: str, attachment_id: int):
    return pages.download(_visitor_page(token), attachment_id)


# ------------------------------------------------------------------------ live state


@bp.route("/live/<key>")
def live_state(key: str):
    """304 while nothing changed: the cheap answer 2,000 open pages get every few seconds.

    Deliberately reads neither the session nor the user (see portal.requests.live).
    """
    parsed = live.parse_key(key)
    etag = live.current_etag(*parsed) if parsed else None
    if etag is None:
        abort(404)
    if etag in request.headers.get("If-None-Match", ""):
        response = make_response("", 304)
    else:
        response = make_response({"etag": etag})
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "no-cache, private"
    return response
