"""The staff request page and its actions (issue #5, CHARTER.md sections 4 to 7).

Every action is a small form that carries the version of the request the person saw;
:func:`portal.requests.services.claim_version` refuses a save made against an older one,
and the page comes back with what they typed and a list of what changed meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from portal.accounts.models import User
from portal.accounts.services import staff_choices
from portal.audit.services import record_view
from portal.extensions import db
from portal.help import services as help_services
from portal.requests import pages, services
from portal.requests.models import Kind, RequestEvent, ServiceRequest
from portal.security import policy
from portal.settings.services import get_calendar
from portal.staff import bp, queue
from portal.staff import services as staff_services
from portal.staff.forms import (
    AssignForm,
    CallbackRecordForm,
    CloseForm,
    MembershipDecisionForm,
    NoteForm,
    ProposeDateForm,
    RedateForm,
    ResolveForm,
    ResumeForm,
    StaffReplyForm,
    StatusForm,
    VersionedForm,
    WaitForm,
)
from portal.staff.models import ReusableReply
from portal.urls import external_url


@dataclass(frozen=True)
class Action:
    form: type[VersionedForm]
    done: str
    run: Callable


def _reply(r, staff, form):
    services.staff_reply(r, staff, form.body.data, resolution_date=form.resolution_date.data,
                         resolves=form.resolves.data, uploads=form.uploads)


def _assign(r, staff, form):
    assignee = db.session.get(User, int(form.assignee.data)) if form.assignee.data else None
    services.assign(r, staff, assignee)


def _decide(r, staff, form):
    staff_services.decide_membership(r, staff, form.decision.data == "approve",
                                     form.grade.data, form.message.data or "")


ACTIONS: dict[str, Action] = {
    "reply": Action(StaffReplyForm, "Reply sent to the customer.", _reply),
    "note": Action(NoteForm, "Internal note added.",
                   lambda r, s, f: services.add_internal_note(r, s, f.body.data)),
    "assign": Action(AssignForm, "Assignment saved.", _assign),
    "status": Action(StatusForm, "Status changed.",
                     lambda r, s, f: services.set_status(r, s, f.status.data)),
    "propose": Action(ProposeDateForm, "Resolution date proposed to the customer.",
                      lambda r, s, f: services.propose_resolution_date(
                          r, s, f.resolution_date.data)),
    "redate": Action(RedateForm, "Date changed. The customer has been told why.",
                     lambda r, s, f: services.redate(r, s, f.resolution_date.data,
                                                     f.reason.data)),
    "wait": Action(WaitForm, "Asked the customer. The resolution date is paused.",
                   lambda r, s, f: services.wait_for_customer(r, s, f.body.data)),
    "resume": Action(ResumeForm, "No longer waiting for the customer; the clock is running.",
                     lambda r, s, f: services.resume(r, s)),
    "resolve": Action(ResolveForm, "Marked as resolved.",
                      lambda r, s, f: services.resolve(r, s, f.body.data or "")),
    "close": Action(CloseForm, "Request closed.", lambda r, s, f: services.close(r, s)),
    "callback": Action(CallbackRecordForm, "Call recorded.",
                       lambda r, s, f: services.record_callback(r, s, f.outcome.data,
                                                                f.note.data or "")),
    "decision": Action(MembershipDecisionForm, "Decision confirmed to the applicant.", _decide),
}


def load_request(reference: str) -> ServiceRequest:
    """A request by reference with what its staff page shows, or 404."""
    found = db.session.scalar(
        select(ServiceRequest)
        .options(
            selectinload(ServiceRequest.events).selectinload(RequestEvent.attachments),
            selectinload(ServiceRequest.events).joinedload(RequestEvent.actor),
            selectinload(ServiceRequest.attachments),
            selectinload(ServiceRequest.assignee),
            selectinload(ServiceRequest.organisation),
            selectinload(ServiceRequest.requester).selectinload(User.membership),
        )
        .where(ServiceRequest.reference == reference)
    )
    # Staff see every request, but the one place that decides says so (V8.2.2).
    return policy.check_or_404(found)


def _page(r: ServiceRequest) -> pages.RequestPage:
    return pages.RequestPage(r, "staff", {"reference": r.reference},
                             current_user._get_current_object())


def _prepare(form: VersionedForm, r: ServiceRequest) -> VersionedForm:
    if isinstance(form, AssignForm):
        form.assignee.choices = [SelectChoice("", "Nobody")] + [
            SelectChoice(str(u.id), u.full_name) for u in staff_choices()
        ]
    if isinstance(form, MembershipDecisionForm):
        form.grade.choices = [SelectChoice(code, label)
                              for code, label in current_app.config["MEMBER_GRADES"]]
    return form


def _fresh(name: str, r: ServiceRequest, **data) -> VersionedForm:
    data.update(version=str(r.version), seen_event=str(staff_services.last_event_id(r)))
    return _prepare(ACTIONS[name].form(formdata=None, prefix=name, data=data), r)


def _help_url(slug: str) -> str:
    return external_url("help.article", slug=slug)


def _template_body(r: ServiceRequest) -> str:
    chosen = request.args.get("template", "")
    body = ""
    if chosen.isdigit() and len(chosen) <= 9:
        reply = db.session.get(ReusableReply, int(chosen))
        body = reply.body if reply is not None and reply.kind == r.kind else ""
    article = request.args.get("article", "")
    if article.isdigit() and len(article) <= 9:
        # Without JavaScript, "Insert link" reloads with ?article=<id> (issue #18).
        link = help_services.article_link_text(int(article), _help_url)
        body = f"{body}\n\n{link}".strip() if link else body
    return body


def render_page(r: ServiceRequest, status: int = 200, forms: dict | None = None,
                changes: list | None = None, template: str = "staff/request.html"):
    forms = dict(forms or {})
    defaults = {
        "reply": {"body": _template_body(r)},
        "assign": {"assignee": str(r.assignee_id or "")},
        "status": {"status": r.status if r.status in ("received", "with_team", "answered")
                   else "with_team"},
        "decision": {"grade": staff_services.requested_grade(r)},
    }
    for name in ACTIONS:
        if name not in forms:
            forms[name] = _fresh(name, r, **defaults.get(name, {}))
    cal = get_calendar()
    row = queue.describe(r, queue.thresholds(cal=cal), cal)
    context = {
        "r": r,
        "page": _page(r),
        "row": row,
        "forms": forms,
        "changes": changes,
        "has_errors": changes is not None or any(f.errors for f in forms.values()),
        "promise": pages.promise_summary(r),
        "others": staff_services.other_requests(r),
        "replies": staff_services.replies_for(r.kind),
        "chosen_template": request.args.get("template", ""),
        "help_links": help_services.link_choices(f"{r.subject} {r.body[:300]}"),
        "help_url": _help_url,
        "is_membership": r.kind in (Kind.APPLICATION, Kind.UPGRADE),
        "is_callback": r.kind == Kind.CALLBACK,
        "grade_names": dict(current_app.config["MEMBER_GRADES"]),
    }
    return render_template(template, **context), status


def viewed(r: ServiceRequest, result, what=None):
    """Audit that staff opened this customer's record (issue #8): the page is read-only, so
    this is its only write. Recorded after the page is built; the request hook commits it."""
    record_view(r.requester, what if what is not None else r, summary=r.reference or "")
    return result


@bp.route("/requests/<reference>")
def request_detail(reference: str):
    r = load_request(reference)
    return viewed(r, render_page(r))


@bp.route("/requests/<reference>/files/<int:attachment_id>")
def request_file(reference: str, attachment_id: int):
    r = load_request(reference)
    return viewed(r, pages.download(_page(r), attachment_id), ("attachment", attachment_id))


@bp.route("/requests/<reference>/<action>", methods=["POST"])
def request_action(reference: str, action: str):
    """Run one action on a request, refusing it if the request changed since it was shown."""
    spec = ACTIONS.get(action)
    if spec is None:
        abort(404)
    r = load_request(reference)
    form = _prepare(spec.form(prefix=action), r)
    back_to = "staff/membership_decision.html" if action == "decision" else "staff/request.html"
    if not form.validate_on_submit():
        return render_page(r, forms={action: form}, template=back_to)
    try:
        services.claim_version(r, form.seen_version)
        spec.run(r, current_user._get_current_object(), form)
    except services.RequestError as exc:
        return _refused(reference, action, form, exc, back_to)
    flash(spec.done, "success")
    if action == "decision":
        return redirect(url_for("staff.membership"))
    return redirect(url_for("staff.request_detail", reference=r.reference))


def _refused(reference: str, action: str, form: VersionedForm, exc: services.RequestError,
             template: str):
    """The page again (409) with what was typed, read afresh after rolling the attempt back.

    A stale save lists what changed meanwhile; saving again then means "I have seen the
    changes", so the form takes the new version. Any other refusal shows its reason.
    """
    db.session.rollback()
    r = load_request(reference)
    changes = None
    if isinstance(exc, services.StaleRequest):
        changes = staff_services.events_since(r, form.seen_event_id)
        form.seen_event.data = str(staff_services.last_event_id(r))
    else:
        getattr(form, form.error_field).errors = [str(exc)]
    form.version.data = str(r.version)
    return render_page(r, 409, {action: form}, changes=changes, template=template)
