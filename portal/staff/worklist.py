"""The queue's own actions (issue #16): take the next case, assign to me, bulk changes,
saved views and a person's default team. Each parses, calls one service and redirects."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.requests.services import RequestError
from portal.staff import bp, queue, teams, workload
from portal.staff.requests import load_request


def _me():
    return current_user._get_current_object()


def _filters() -> queue.QueueFilters:
    return queue.QueueFilters.from_args(request.args, current_user.id,
                                        teams.default_team(current_user.id))


def _back_to_queue():
    args = {k: v for k, v in request.args.items() if k != "after" and v}
    return redirect(url_for("staff.queue_view", **args))


@bp.route("/queue/next", methods=["POST"])
def take_next():
    """The most urgent unassigned case I may work, assigned to me and opened."""
    found = workload.take_next(_me(), _filters())
    if found is None:
        flash("There is no unassigned case for you to take in this view.", "info")
        return _back_to_queue()
    flash(f"{found.reference} is now assigned to you.", "success")
    return redirect(url_for("staff.request_detail", reference=found.reference))


@bp.route("/requests/<reference>/take", methods=["POST"])
def assign_me(reference: str):
    r = load_request(reference)
    workload.assign_to_me(r, _me())
    flash(f"{r.reference} is now assigned to you.", "success")
    if request.form.get("back") == "queue":
        return _back_to_queue()
    return redirect(url_for("staff.request_detail", reference=r.reference))


@bp.route("/queue/bulk", methods=["POST"])
def queue_bulk():
    """Assign, set the status of, or close the selected cases."""
    action = request.form.get("action", "")
    value = request.form.get("assignee" if action == "assign" else "status", "")
    try:
        result = workload.bulk_apply(_me(), request.form.getlist("selected"), action, value)
    except (RequestError, ValueError) as exc:
        flash(str(exc), "error")
        return _back_to_queue()
    if result.done:
        flash(f"Done for {len(result.done)} case(s): {', '.join(result.done)}.", "success")
    for reference, why in result.refused:
        flash(f"{reference} was not changed: {why}", "error")
    return _back_to_queue()


@bp.route("/views", methods=["POST"])
def save_view():
    try:
        saved = workload.save_view(_me(), request.form.get("name", ""),
                                   request.form.get("address", ""))
    except RequestError as exc:
        flash(str(exc), "error")
        return redirect(url_for("staff.queue_view"))
    flash(f"Saved the view “{saved.name}”.", "success")
    return redirect(saved.address)


@bp.route("/views/<int:view_id>/delete", methods=["POST"])
def delete_view(view_id: int):
    if not workload.delete_view(_me(), view_id):
        abort(404)
    flash("View removed.", "success")
    return redirect(url_for("staff.queue_view"))


@bp.route("/team", methods=["POST"])
def set_team():
    chosen = request.form.get("team") or None
    try:
        teams.set_default_team(_me(), chosen)
    except ValueError as exc:
        flash(str(exc), "error")
    return redirect(url_for("staff.queue_view"))


@bp.route("/keyboard")
def keyboard():
    """The console's documented keyboard shortcuts."""
    return render_template("staff/keyboard.html")
