"""Administration: users, settings, and the development mailbox."""

from __future__ import annotations

import base64

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from portal.accounts.services import users_by_role
from portal.admin import bp
from portal.admin.forms import (
    CALENDAR_KINDS,
    CalendarDayForm,
    ContactDetailsForm,
    NewsForm,
    OfficeHoursForm,
    target_field_name,
    targets_form,
)
from portal.clock import london_today
from portal.extensions import db
from portal.membership.news import recent_news, send_news, subscriber_counts
from portal.notify.models import NEWS_TOPIC_LABELS, OUTBOX_STATUSES, NewsTopic, OutboxMessage
from portal.notify.services import outbox_counts, outbox_page, retry_message
from portal.security.inputs import MAX_QUERY_INT, query_int
from portal.security.logs import redact
from portal.settings import services as settings_services
from portal.settings.models import CalendarDay
from portal.templating import london_date

PAGE_SIZE = 25


@bp.route("/")
def dashboard():
    by_status = outbox_counts()
    return render_template(
        "admin/dashboard.html",
        users_by_role=users_by_role(),
        pending=by_status.get("pending", 0) + by_status.get("sending", 0),
        failed=by_status.get("failed", 0),
    )


@bp.route("/mail")
def mailbox():
    """Every email the portal has queued, newest first: the development mailbox, and where
    failed deliveries show with their error and a Retry button."""
    page = query_int("page", 1, low=-MAX_QUERY_INT)
    status = request.args.get("status", "")
    if page < 1 or page > 100_000 or (status and status not in OUTBOX_STATUSES):
        abort(404)
    messages, total = outbox_page(status, page, PAGE_SIZE)
    return render_template(
        "admin/mailbox.html",
        messages=messages,
        page=page,
        status=status,
        statuses=OUTBOX_STATUSES,
        has_next=page * PAGE_SIZE < total,
        total=total,
        failed=outbox_counts().get("failed", 0),
        smtp_configured=bool(current_app.config["MAIL_SERVER"]),
    )


@bp.route("/mail/<int:message_id>")
def mail_message(message_id: int):
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    body, headers = message.body_text or "", dict(message.headers or {})
    if not current_app.config.get("MAILBOX_SHOWS_SECRETS"):
        # Outside development no live link is shown (issue #14).
        body, headers = redact(body), {k: redact(v) for k, v in headers.items()}
    return render_template("admin/mail_message.html", message=message, body=body, headers=headers)


@bp.post("/mail/<int:message_id>/retry")
def retry_mail(message_id: int):
    """Send a failed message again (its error stays shown until it goes)."""
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    if retry_message(message):
        flash(f"The email to {message.to_address} will be sent again shortly.", "success")
    else:
        flash("Only a failed email can be retried; this one has not failed.", "info")
    return redirect(url_for("admin.mail_message", message_id=message.id))


@bp.route("/mail/<int:message_id>/attachments/<int:index>")
def mail_attachment(message_id: int, index: int):
    """An attachment as it will be sent (for example the renewal .ics), for checking."""
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    if index >= len(message.attachments or []):
        abort(404)
    item = message.attachments[index]
    filename = "".join(c for c in item["filename"] if c.isalnum() or c in "._-") or "file"
    return Response(
        base64.b64decode(item["data"]),
        mimetype=item["content_type"],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/news", methods=["GET", "POST"])
def news():
    """Send a news email to the members who opted in to its topic."""
    form = NewsForm()
    if form.validate_on_submit():
        item = send_news(form.topic.data, form.subject.data, form.body.data, current_user)
        label = NEWS_TOPIC_LABELS[NewsTopic(item.topic)]
        flash(
            f"“{item.subject}” is queued for {item.recipient_count} "
            f"member{'s' if item.recipient_count != 1 else ''} who chose {label.lower()}.",
            "success",
        )
        return redirect(url_for("admin.news"))
    return render_template(
        "admin/news.html",
        form=form,
        counts=subscriber_counts(),
        labels={topic.value: label for topic, label in NEWS_TOPIC_LABELS.items()},
        recent=recent_news(10),
    )


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
        flash("Office hours saved. They apply to requests received from now on.", "success")
        return redirect(url_for("admin.calendar"))
    return render_template(
        "admin/calendar.html",
        day_form=day_form,
        hours_form=hours_form,
        days=settings_services.calendar_days(),
        upcoming=settings_services.upcoming_non_working_days(london_today()),
        kinds=dict(CALENDAR_KINDS),
    )


@bp.route("/contact-details", methods=["GET", "POST"])
def contact_details():
    """The phone number, email and postal address every page's footer gives."""
    form = ContactDetailsForm(obj=settings_services.contact_details())
    if form.validate_on_submit():
        settings_services.set_contact_details(
            form.phone.data or "", form.email.data or "", form.postal_address.data or "",
            current_user._get_current_object(),
        )
        flash("Contact details saved. Every page shows them now.", "success")
        return redirect(url_for("admin.contact_details"))
    return render_template("admin/contact_details.html", form=form)


@bp.route("/calendar/<int:day_id>/remove", methods=["POST"])
def calendar_remove(day_id: int):
    row = db.session.get(CalendarDay, day_id) or abort(404)
    label = london_date(row.day)
    settings_services.remove_calendar_day(row)
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
            flash("New targets saved. They apply to requests received from now on.", "success")
            return redirect(url_for("admin.promises"))
    return render_template(
        "admin/promises.html",
        form=form,
        catalogue=catalogue,
        field_name=target_field_name,
        versions=settings_services.policy_versions(20),
        current=current,
    )
