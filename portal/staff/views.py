"""The staff console."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from portal.accounts import absences as employer_services
from portal.accounts.models import Membership, Organisation, OrgKind, Role, StaffAbsence, User
from portal.clock import london_today
from portal.extensions import db
from portal.requests.models import KIND_LABELS, STATUS_LABELS
from portal.staff import bp, queue
from portal.staff.forms import AbsenceForm


@bp.context_processor
def _staff_words() -> dict:
    return {"staff_status_labels": queue.STAFF_STATUS_LABELS}


@bp.route("/")
def dashboard():
    """Due today, at risk and overdue, with links into the queue; and my own requests."""
    me = current_user.id
    _rows, _cursor, counts = queue.queue_page(queue.QueueFilters(me=me), limit=1)
    mine, more_mine, mine_counts = queue.queue_page(
        queue.QueueFilters(assignee="mine", me=me), limit=20
    )
    people = {
        "members": db.session.scalar(
            select(func.count(Membership.id)).where(Membership.status == "active")
        ),
        "applicants": db.session.scalar(
            select(func.count(Membership.id)).where(Membership.status == "applicant")
        ),
        "employers": db.session.scalar(
            select(func.count(Organisation.id)).where(Organisation.kind == OrgKind.EMPLOYER)
        ),
        "centres": db.session.scalar(
            select(func.count(Organisation.id)).where(Organisation.kind == OrgKind.CENTRE)
        ),
        "staff": db.session.scalar(
            select(func.count(User.id)).where(User.role.in_([Role.STAFF, Role.ADMIN]))
        ),
    }
    return render_template("staff/dashboard.html", counts=counts, mine=mine,
                           more_mine=more_mine, mine_counts=mine_counts, people=people)


# ------------------------------------------------------------------------------ the queue


@bp.route("/queue")
def queue_view():
    """Open requests, what falls due first at the top (CHARTER.md section 7)."""
    filters = queue.QueueFilters.from_args(request.args, current_user.id)
    after = queue.decode_cursor(request.args.get("after"))
    rows, cursor, counts = queue.queue_page(filters, after=after)
    organisations = db.session.scalars(
        select(Organisation).order_by(Organisation.name)
    ).all()
    args = {k: v for k, v in request.args.items() if k != "after" and v}
    return render_template(
        "staff/queue.html", rows=rows, counts=counts, filters=filters,
        next_url=url_for("staff.queue_view", **args, after=cursor) if cursor else None,
        first_url=url_for("staff.queue_view", **args) if after else None,
        organisations=organisations, kinds=KIND_LABELS, statuses=STATUS_LABELS,
        state_labels=queue.STATE_LABELS, args=args, channel_words=CHANNEL_WORDS,
    )


#: How each request reached us, as the queue says it (issue #10: emailed requests show so).
CHANNEL_WORDS = {
    "web": "web form",
    "email": "email",
    "phone": "phone",
    "letter": "letter",
    "social": "social media",
}


@bp.route("/absence", methods=["GET", "POST"])
def absence():
    """Staff record when they are away; employers are told who covers (CHARTER §4)."""
    form = AbsenceForm()
    if form.validate_on_submit():
        employer_services.add_absence(
            current_user, form.starts_on.data, form.ends_on.data, (form.note.data or "").strip()
        )
        db.session.commit()
        flash(
            "Absence recorded. Your employers' enquiries go to your deputy while you are away.",
            "success",
        )
        return redirect(url_for("staff.absence"))
    absences = db.session.scalars(
        select(StaffAbsence)
        .where(StaffAbsence.user_id == current_user.id, StaffAbsence.ends_on >= london_today())
        .order_by(StaffAbsence.starts_on)
    ).all()
    return render_template("staff/absence.html", form=form, absences=absences)


@bp.route("/absence/<int:absence_id>/end", methods=["POST"])
def absence_end(absence_id: int):
    absence = db.session.get(StaffAbsence, absence_id)
    if absence is None or absence.user_id != current_user.id:
        abort(404)
    employer_services.end_absence(absence)
    db.session.commit()
    flash("Absence removed.", "success")
    return redirect(url_for("staff.absence"))
