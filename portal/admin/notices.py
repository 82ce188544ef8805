"""Service notices: administrators publish them and add dated updates (issue 17)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.admin import bp
from portal.notices import services
from portal.notices.forms import NoticeForm, NoticeUpdateForm, london_to_utc


@bp.route("/notices", methods=["GET", "POST"])
def notices():
    """Every notice, and the form for a new one; a closure day goes onto the calendar."""
    form = NoticeForm()
    if form.validate_on_submit():
        try:
            notice = services.publish_notice(form.draft(), user=current_user)
        except services.NoticeRefused as exc:
            form.form_errors.append(str(exc))
        else:
            flash(f"Notice published: {notice.title}.", "success")
            return redirect(url_for("admin.notice", notice_id=notice.id))
    return render_template("admin/notices.html", form=form, notices=services.all_notices(),
                           titles=services.promise_titles(), is_closure=services.is_closure)


@bp.route("/notices/<int:notice_id>", methods=["GET", "POST"])
def notice(notice_id: int):
    """One notice with its history, and the form for a dated update."""
    found = services.get_notice(notice_id) or abort(404)
    form = NoticeUpdateForm()
    if form.validate_on_submit():
        try:
            services.update_notice(found, form.body.data, ends_at=london_to_utc(form.ends.data),
                                   end_now=form.end_now.data, user=current_user)
        except services.NoticeRefused as exc:
            form.form_errors.append(str(exc))
        else:
            flash("Update added to the notice.", "success")
            return redirect(url_for("admin.notice", notice_id=found.id))
    return render_template("admin/notice.html", n=found, form=form,
                           titles=services.promise_titles(), is_closure=services.is_closure)
