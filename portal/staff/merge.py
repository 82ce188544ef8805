"""Merging duplicates from the staff console (issue #16)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db
from portal.requests import merging
from portal.requests.errors import RequestError
from portal.requests.models import OPEN_STATUSES, RequestMerge, ServiceRequest
from portal.staff import bp
from portal.staff.requests import load_request


def candidates(keep: ServiceRequest) -> list[ServiceRequest]:
    """The same customer's other open requests of the same kind, oldest first."""
    who = (ServiceRequest.requester_id == keep.requester_id if keep.requester_id is not None
           else ServiceRequest.requester_email == keep.requester_email)
    merged = select(RequestMerge.duplicate_id)
    return list(db.session.scalars(
        select(ServiceRequest).where(
            who, ServiceRequest.id != keep.id, ServiceRequest.kind == keep.kind,
            ServiceRequest.status.in_([s.value for s in OPEN_STATUSES]),
            ServiceRequest.id.not_in(merged))
        .order_by(ServiceRequest.id).limit(50)))


def merge_selected(keep: ServiceRequest, references: list[str]) -> list[str]:
    """Merge the requests named by ``references`` into ``keep``; returns their references."""
    wanted = [r.strip().upper() for r in references if r.strip()][:20]
    found = list(db.session.scalars(
        select(ServiceRequest).where(ServiceRequest.reference.in_(wanted))))
    missing = set(wanted) - {r.reference for r in found}
    if missing:
        raise RequestError(f"There is no request {', '.join(sorted(missing))}.")
    merging.merge_into(keep, found, current_user._get_current_object())
    return [r.reference for r in found]


@bp.route("/requests/<reference>/merge", methods=["GET", "POST"])
def merge_choose(reference: str):
    """Choose the duplicates to fold into this case, then merge them."""
    keep = load_request(reference)
    error = None
    chosen = request.form.getlist("duplicates")
    if request.method == "POST":
        typed = request.form.get("other", "")
        try:
            done = merge_selected(keep, chosen + typed.replace(",", " ").split())
        except RequestError as exc:
            db.session.rollback()
            keep, error = load_request(reference), str(exc)
        else:
            flash(f"Merged {', '.join(done)} into {keep.reference}. The customer has been "
                  "told, and their links now lead here.", "success")
            return redirect(url_for("staff.request_detail", reference=keep.reference))
    return render_template("staff/merge.html", r=keep, candidates=candidates(keep),
                           error=error, chosen=chosen), 400 if error else 200
