"""Administration: users, settings, and the development mailbox."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.admin import bp
from portal.admin.forms import (
    CALENDAR_KINDS,
    CalendarDayForm,
    OfficeHoursForm,
    target_field_name,
    targets_form,
)
from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.public.templating import london_date, london_today
from portal.settings import services as settings_services
from portal.settings.models import CalendarDay, PolicyVersion

PAGE_SIZE = 25


@bp.route("/")
def dashboard():
    users_by_role = dict(
        db.session.execute(select(User.role, func.count(User.id)).group_by(User.role)).all()
    )
    pending = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.status == "pending")
    )
    return render_template("admin/dashboard.html", users_by_role=users_by_role, pending=pending)


@bp.route("/mail")
def mailbox():
    """Every email the portal has queued, newest first: the development mailbox."""
    page = request.args.get("page", 1, type=int)
    if page < 1:
        abort(404)
    total = db.session.scalar(select(func.count(OutboxMessage.id))) or 0
    messages = db.session.scalars(
        select(OutboxMessage)
        .order_by(OutboxMessage.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template(
        "admin/mailbox.html",
        messages=messages,
        page=page,
        has_next=page * PAGE_SIZE < total,
        total=total,
        smtp_configured=bool(current_app.config["MAIL_SERVER"]),
    )


@bp.route("/mail/<int:message_id>")
def mail_message(message_id: int):
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    return render_template("admin/mail_message.html", message=message)


# -- the charter calendar and targets ------------------------------------------------------


@bp.route("/calendar", methods=["GET", "POST"])
def calendar():
    """Closure days, bank-holiday corrections, office hours and the cut-off (CHARTER §1)."""
    day_form = CalendarDayForm(prefix="day")
    settings = settings_services.office_settings()
    hours_form = OfficeHoursForm(prefix="hours", obj=settings)
    if day_form.submit.data and day_form.validate_on_submit():
        settings_services.add_calendar_day(
            day_form.day.data, day_form.kind.data, (day_form.reason.data or "").strip()
        )
        db.session.commit()
        flash(f"{london_date(day_form.day.data)} added to the calendar.", "success")
        return redirect(url_for("admin.calendar"))
    if hours_form.submit.data and hours_form.validate_on_submit():
        settings_services.set_office_hours(
            hours_form.office_open.data,
            hours_form.office_close.data,
            hours_form.same_day_cutoff.data,
            at_risk_hours=hours_form.at_risk_hours.data,
            update_every_days=hours_form.update_every_days.data,
        )
        db.session.commit()
        flash("Office hours saved. They apply to requests received from now on.", "success")
        return redirect(url_for("admin.calendar"))
    days = db.session.scalars(select(CalendarDay).order_by(CalendarDay.day)).all()
    year = london_today().year
    calendar_now = settings_services.get_calendar()
    upcoming = [
        (day, reason)
        for y in (year, year + 1)
        for day, reason in calendar_now.non_working_weekdays(y)
        if day >= london_today()
    ]
    return render_template(
        "admin/calendar.html",
        day_form=day_form,
        hours_form=hours_form,
        days=days,
        upcoming=upcoming,
        kinds=dict(CALENDAR_KINDS),
    )


@bp.route("/calendar/<int:day_id>/remove", methods=["POST"])
def calendar_remove(day_id: int):
    row = db.session.get(CalendarDay, day_id) or abort(404)
    label = london_date(row.day)
    settings_services.remove_calendar_day(row)
    db.session.commit()
    flash(f"{label} removed from the calendar.", "success")
    return redirect(url_for("admin.calendar"))


@bp.route("/promises", methods=["GET", "POST"])
def promises():
    """Promise targets. Saving adds a version; open cases keep theirs (CHARTER §5)."""
    current = settings_services.current_policy()
    catalogue = list(settings_services.promises_for(current).values())
    form = targets_form(catalogue)(
        data={target_field_name(p.code): p.target for p in catalogue}
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        targets = {p.code: form[target_field_name(p.code)].data for p in catalogue}
        try:
            settings_services.change_targets(targets, form.note.data.strip(), current_user)
        except ValueError as exc:
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash("New targets saved. They apply to requests received from now on.", "success")
            return redirect(url_for("admin.promises"))
    versions = db.session.scalars(
        select(PolicyVersion).order_by(PolicyVersion.id.desc()).limit(20)
    ).all()
    return render_template(
        "admin/promises.html",
        form=form,
        catalogue=catalogue,
        field_name=target_field_name,
        versions=versions,
        current=current,
    )
