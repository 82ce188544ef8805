"""The request page and its actions, shared by every kind of customer (CHARTER.md section 6).

A member reaches a request through their account, a visitor through a private link, an
employer or centre contact through their organisation, staff through the console. Each side
finds the request its own way and :func:`open_page` asks ``portal.security.policy`` (the one
place that decides, V8.2.2) whether this actor may see it; these functions then render the
same page and make the same changes through :mod:`portal.requests.services`, asking the
policy again before any change and before a file is served.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from portal import stored_files
from portal.accounts.models import User
from portal.charter.wording import (
    callback_preference_words,
    promise_sentence,
    promise_words,
)
from portal.database import utcnow
from portal.extensions import db
from portal.help import rules as help_rules
from portal.help import suggest
from portal.requests import files, followup, live, merging, services
from portal.requests.forms import AcceptForm, DiscussForm, RatingForm, ReplyForm
from portal.requests.models import RequestEvent, ResolutionState, ServiceRequest, Status
from portal.security import policy
from portal.settings.services import get_calendar
from portal.templating import when

ENDPOINTS = {
    "member": "member.request_",
    "visitor": "visitor.private_",
    "employer": "employer.request_",
    "centre": "centre.request_",
    # Staff reach every request from the console; the staff blueprint checks the role.
    "staff": "staff.request_",
}


@dataclass
class RequestPage:
    """One request as one customer may see it, and the URLs of its actions for them."""

    request: ServiceRequest
    side: str
    url_args: dict = field(default_factory=dict)
    actor: User | None = None

    def url(self, action: str, **values) -> str:
        return url_for(ENDPOINTS[self.side] + action, **self.url_args, **values)

    @property
    def principal(self):
        """Who is asking, for the policy: the signed-in person, or the private link."""
        if self.side == "visitor":
            return policy.PrivateLink(self.url_args.get("token", ""))
        return self.actor

    @property
    def state_url(self) -> str:
        return url_for("visitor.live_state", key=live.state_key("r", self.request.id))

    @property
    def etag(self) -> str:
        return live.request_etag(self.request.id, self.request.version)


def open_page(found: ServiceRequest | None, side: str, url_args: dict,
              actor: User | None = None) -> RequestPage:
    """The page for ``found`` if the policy lets this actor see it, else 404 (and the
    refusal of an existing request is audited)."""
    page = RequestPage(found, side, url_args, actor) if found is not None else None
    if page is None:
        abort(404)
    policy.check_or_404(found, "view", page.principal)
    kept = merging.merged_into(found)
    if kept is not None:
        # A duplicate merged into another case: its links lead to the case kept (issue #16).
        page = RequestPage(kept, side, url_args, actor)
        policy.check_or_404(kept, "view", page.principal)
    return page


def _may_change(page: RequestPage) -> None:
    policy.check_or_404(page.request, "change", page.principal)


def promise_summary(request: ServiceRequest) -> dict:
    """What the customer is told about the promise (CHARTER.md sections 4 to 6), and, from
    the charter's wording, whether it is due, missed, done or done late (section 9)."""
    promise = services.promise_of(request)
    state, words = promise_words(promise.action, request.response_due_at,
                                 request.promise_met_at, utcnow())
    return {
        "sentence": promise_sentence(promise, get_calendar().rules.same_day_cutoff),
        "action": promise.action,
        "due": when(request.response_due_at),
        "met": when(request.promise_met_at) if request.promise_met_at else "",
        "title": promise.title,
        "state": state,
        "words": words,
        "callback_note": callback_preference_words(
            request.details.get("preferred_time"), request.details.get("preferred_time_words")
        ) if request.promise_met_at is None else "",
    }


def _context(page: RequestPage, **forms) -> dict:
    # Several forms share the page, so each has a prefix: field ids must be unique.
    request = page.request
    can_rate = (
        request.resolved_at is not None
        and request.status in (Status.RESOLVED, Status.CLOSED)
        and request.satisfaction_rating is None
    )
    return {
        "page": page,
        "r": request,
        "promise": promise_summary(request),
        "reply_form": forms.get("reply_form") or ReplyForm(formdata=None, prefix="reply"),
        "accept_form": forms.get("accept_form") or AcceptForm(formdata=None, prefix="accept"),
        "discuss_form": forms.get("discuss_form") or DiscussForm(formdata=None,
                                                                 prefix="discuss"),
        "rating_form": forms.get("rating_form") or RatingForm(formdata=None, prefix="rating"),
        # A closed case takes a reply too: it reopens, or starts a new case (issue #16).
        "can_reply": True,
        "waiting_plan": followup.waiting_plan(request),
        "reopen_until": followup.reopen_window_left(request),
        "can_answer_date": request.is_open
        and request.resolution_state == ResolutionState.PROPOSED,
        "can_rate": can_rate,
        "poll_ms": live.poll_milliseconds(),
    }


def render_detail(page: RequestPage, status: int = 200, **forms):
    response = make_response(render_template("requests/detail.html", **_context(page, **forms)),
                             status)
    return _private(response, page)


def render_fragment(page: RequestPage):
    """The part of the page that changes, for live.js to swap in."""
    response = make_response(
        render_template("requests/_live_request.html", **_context(page))
    )
    response.headers["ETag"] = page.etag
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Fragment"] = "1"
    return _private(response, page)


def _private(response, page: RequestPage):
    # A private link is a password in the address: never let it leak in a Referer header.
    response.headers["Referrer-Policy"] = "no-referrer" if page.side == "visitor" else "same-origin"
    return response


def _done(page: RequestPage, message: str):
    flash(message, "success")
    return redirect(page.url("detail"))


def _refused(page: RequestPage, exc: services.RequestError, **forms):
    db.session.rollback()
    db.session.refresh(page.request)
    flash(str(exc), "error")
    return render_detail(page, status=409, **forms)


def reply(page: RequestPage):
    _may_change(page)
    form = ReplyForm(prefix="reply")
    if not form.validate_on_submit():
        return render_detail(page, reply_form=form)
    try:
        event = services.customer_reply(page.request, form.body.data, page.actor,
                                        uploads=form.attachments.uploads)
    except services.RequestError as exc:
        return _refused(page, exc, reply_form=form)
    if event.request is not page.request:
        return _followed_on(page, event.request)
    return _done(page, "Your message has been sent.")


def _followed_on(page: RequestPage, new: ServiceRequest):
    """A reply after the reopen window started a new case (issue #16): say so, and open it
    where the customer can (a visitor is sent its private link by email)."""
    flash(f"This request was closed some time ago, so your message has started a new "
          f"request, {new.reference}. We will reply as our charter promises.", "success")
    if page.side == "visitor":
        return redirect(page.url("detail"))
    return redirect(url_for(f"{page.side}.request_detail", reference=new.reference))


def accept(page: RequestPage):
    _may_change(page)
    form = AcceptForm(prefix="accept")
    if not form.validate_on_submit():
        return render_detail(page, accept_form=form)
    try:
        services.accept_resolution_date(page.request, page.actor)
    except services.RequestError as exc:
        return _refused(page, exc)
    return _done(page, "Thank you: you have accepted the date.")


def discuss(page: RequestPage):
    _may_change(page)
    form = DiscussForm(prefix="discuss")
    if not form.validate_on_submit():
        return render_detail(page, discuss_form=form)
    try:
        services.ask_to_discuss(page.request, form.body.data or "", page.actor)
    except services.RequestError as exc:
        return _refused(page, exc, discuss_form=form)
    return _done(page, "Thank you: we will be in touch to discuss the date.")


def rate(page: RequestPage):
    _may_change(page)
    form = RatingForm(prefix="rating")
    if not form.validate_on_submit():
        return render_detail(page, rating_form=form)
    try:
        services.rate_service(page.request, int(form.rating.data), form.comment.data or "",
                              page.actor)
    except services.RequestError as exc:
        return _refused(page, exc, rating_form=form)
    return _done(page, "Thank you for rating our service.")


def download(page: RequestPage, attachment_id: int):
    """An attachment of this request, always as a download and never sniffed as a page."""
    attachment = next((a for a in page.request.attachments if a.id == attachment_id), None)
    policy.check_or_404(attachment, "view", page.principal)
    response = stored_files.download(files.path_of(attachment.stored_name),
                                     attachment.content_type, attachment.original_name)
    return _private(response, page)


def render_confirmation(page: RequestPage):
    """The page shown straight after a customer with an account sends a request."""
    return render_template(
        "requests/confirmation.html",
        r=page.request,
        side=page.side,
        promise=promise_summary(page.request),
        visitor=False,
    )


def own_request(side: str, reference: str) -> RequestPage:
    """The signed-in person's request (their own, or their organisation's), or 404: someone
    else's and a made-up one look the same. The policy decides; a refusal is audited."""
    found = db.session.scalars(_by_reference(), {"reference": reference}).unique().first()
    return open_page(found, side, {"reference": reference}, current_user._get_current_object())


@functools.cache
def _by_reference():
    # The timeline comes in the same query, each event with its files: not one query per
    # event. Built once: composing the eager loads costs more than running the query.
    return (
        select(ServiceRequest)
        .where(ServiceRequest.reference == bindparam("reference"))
        .options(joinedload(ServiceRequest.events).joinedload(RequestEvent.attachments),
                 joinedload(ServiceRequest.merge))
    )


def organisation_list(side: str, form_class):
    """The requests of the signed-in contact's organisation, open and recently closed."""
    organisation_id = current_user.organisation_id
    if organisation_id is None:
        abort(404)
    return render_template(
        "requests/organisation_list.html",
        side=side,
        open_requests=services.organisation_requests(organisation_id, open_only=True),
        closed_requests=services.organisation_requests(organisation_id, open_only=False,
                                                       limit=20),
        form_class=form_class,
    )


def new_organisation_request(side: str, form_class, route_to: Callable[[User], User | None],
                             endpoint: str = "new_request"):
    """An organisation contact's new request. ``route_to(user)`` names the staff member it goes
    to at once (the employer's dedicated contact, or their deputy while the contact is away),
    or None for the team. ``endpoint`` is the form's own page when a side has several."""
    user = current_user._get_current_object()
    if user.organisation is None:
        abort(404)
    form = form_class()
    if form.validate_on_submit():
        if (step := before_you_send(form, url_for(f"{side}.new_request"))) is not None:
            return step
        subject, body, details = form.values()
        made = services.submit_once(
            form.kind, subject=subject, body=body, requester=user, details=details,
            uploads=form.uploads, submission_key=form.submission_key.data or None,
            organisation=user.organisation, assignee=route_to(user),
        )
        note_articles_read(form, made)
        return redirect(url_for(f"{side}.request_confirmation", reference=made.reference))
    form.fresh_key()
    return render_template(
        "requests/new.html",
        form=form,
        visitor=False,
        action=url_for(f"{side}.{endpoint}"),
        back_url=url_for(f"{side}.requests_list"),
        back_label="Back to your requests",
    )


# ------------------------------------------------------------- articles before a question


def before_you_send(form, action: str):
    """The "Before you send: these may answer it" step when the help centre has articles for
    this question and the person has not seen any yet (issue #18); None to send it now."""
    user = current_user._get_current_object()
    hits = suggest.before_you_send(form, help_rules.audiences_for(user))
    if not hits:
        return None
    return render_template("help/before_you_send.html", form=form, hits=hits, action=action,
                           fields=suggest.hidden_values(form))


def note_articles_read(form, made: ServiceRequest) -> None:
    """Remember which suggested articles this request was sent in spite of."""
    suggest.after_submit(form, made.id, help_rules.who_asks(current_user))
