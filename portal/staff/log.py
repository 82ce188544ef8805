"""Logging a phone message, letter, email or social post as a request (CHARTER.md §2)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts.models import User
from portal.clock import london_today
from portal.extensions import db
from portal.staff import bp
from portal.staff import services as staff_services
from portal.staff.forms import LogContactForm


def _chosen_person(value: str | None) -> User | None:
    if not value or not value.isdigit() or len(value) > 9:
        return None
    return db.session.get(User, int(value))


@bp.route("/log", methods=["GET", "POST"])
def log_contact():
    """Step one finds the person (or a new contact); step two records what arrived when."""
    search = (request.args.get("q") or "").strip()
    form = LogContactForm()
    if not form.is_submitted():
        form.person.data = request.args.get("person", "")
        form.received_on.data = london_today()
    person = _chosen_person(form.person.data)
    if person is None:
        form.person.data = ""
    if form.validate_on_submit():
        received_at = staff_services.london_received_at(form.received_on.data,
                                                        form.received_time.data)
        try:
            made = staff_services.log_contact(current_user._get_current_object(), person=person,
                                              received_at=received_at, **form.contact())
        except staff_services.ContactError as exc:
            db.session.rollback()  # the page comes back (200): keep nothing of the attempt
            form.show_refusal(exc.field, str(exc))
        else:
            flash(f"Logged as {made.reference}. The clock started from when it arrived.",
                  "success")
            return redirect(url_for("staff.request_detail", reference=made.reference))
    return render_template("staff/log.html", form=form, person=person, search=search,
                           people=staff_services.find_people(search) if search else [])
