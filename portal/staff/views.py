"""The staff console."""

from __future__ import annotations

from dataclasses import replace

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts import absences
from portal.accounts.services import organisations_by_name, staff_choices
from portal.clock import london_today
from portal.help.services import past_review_counts
from portal.requests.models import KIND_LABELS, STATUS_LABELS
from portal.staff import bp, escalation, queue, teams, workload
from portal.staff import services as staff_services
from portal.staff.forms import AbsenceForm


@bp.context_processor
def _staff_words() -> dict:
    return {"staff_status_labels": queue.STAFF_STATUS_LABELS}


@bp.route("/")
def dashboard():
    """Due today, at risk and overdue, with links into the queue; and my own requests."""
    board = staff_services.dashboard(current_user.id)
    return render_template("staff/dashboard.html", counts=board.counts, mine=board.mine,
                           more_mine=board.more_mine, mine_counts=board.mine_counts,
                           people=board.people, alerts=board.alerts,
                           hours_words=escalation.hours_words,
                           help_review=past_review_counts(london_today(), current_user.id))


# ------------------------------------------------------------------------------ the queue


@bp.route("/queue")
def queue_view():
    """Open requests, what falls due first at the top (CHARTER.md section 7), in the
    person's default team unless they chose another (issue #16)."""
    me = current_user._get_current_object()
    filters = queue.QueueFilters.from_args(request.args, me.id, teams.default_team(me.id),
                                           scope="open")
    filters = replace(filters, scope="open")  # the queue is open cases; finding covers all
    after = queue.decode_cursor(request.args.get("after"))
    rows, cursor, counts = queue.queue_page(filters, after=after)
    args = {k: v for k, v in request.args.items() if k != "after" and v}
    return render_template(
        "staff/queue.html", rows=rows, counts=counts, filters=filters,
        next_url=url_for("staff.queue_view", **args, after=cursor) if cursor else None,
        first_url=url_for("staff.queue_view", **args) if after else None,
        organisations=organisations_by_name(), kinds=KIND_LABELS,
        statuses=STATUS_LABELS, state_labels=queue.STATE_LABELS, args=args,
        channel_words=CHANNEL_WORDS, teams=teams.TEAMS, my_team=teams.default_team(me.id),
        views=workload.my_views(me), staff=staff_choices(),
        here=url_for("staff.queue_view", **args),
    )


#: How each request reached us, as the queue says it (issue #10: emailed requests show so).
CHANNEL_WORDS = {
    "web": "web form",
    "email": "email",
    "phone": "phone",
    "letter": "letter",
    "social": "social media",
}


# ---------------------------------------------------------------------------- absences


@bp.route("/absence", methods=["GET", "POST"])
def absence():
    """Staff record when they are away; employers are told who covers (CHARTER §4)."""
    form = AbsenceForm()
    if form.validate_on_submit():
        moved = staff_services.record_absence(
            current_user, form.starts_on.data, form.ends_on.data, (form.note.data or "").strip()
        )
        handed = f" {moved} open case(s) passed to your cover." if moved else ""
        flash("Absence recorded. Your employers' enquiries go to your deputy while you are "
              f"away.{handed}", "success")
        return redirect(url_for("staff.absence"))
    return render_template("staff/absence.html", form=form,
                           absences=absences.upcoming_absences(current_user, london_today()))


@bp.route("/absence/<int:absence_id>/end", methods=["POST"])
def absence_end(absence_id: int):
    absence = absences.own_absence(current_user, absence_id) or abort(404)
    absences.end_absence(absence)
    flash("Absence removed.", "success")
    return redirect(url_for("staff.absence"))
