"""Reusable replies per kind of request, which staff start from and edit."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from wtforms.fields.choices import SelectChoice

from portal.extensions import db
from portal.requests.models import KIND_LABELS
from portal.staff import bp
from portal.staff import services as staff_services
from portal.staff.forms import DeleteForm, ReusableReplyForm
from portal.staff.models import ReusableReply


def _form(reply: ReusableReply | None = None) -> ReusableReplyForm:
    form = ReusableReplyForm(obj=reply)
    form.kind.choices = [SelectChoice(k.value, label) for k, label in KIND_LABELS.items()]
    return form


@bp.route("/replies", methods=["GET", "POST"])
def replies():
    form = _form()
    if form.validate_on_submit():
        staff_services.save_reply(None, form.kind.data, form.title.data, form.body.data)
        flash("Reusable reply added.", "success")
        return redirect(url_for("staff.replies"))
    return render_template("staff/replies.html", form=form, replies=staff_services.all_replies(),
                           kinds=KIND_LABELS, delete_form=DeleteForm())


@bp.route("/replies/<int:reply_id>", methods=["GET", "POST"])
def reply_edit(reply_id: int):
    reply = db.session.get(ReusableReply, reply_id) or abort(404)
    form = _form(reply)
    if form.validate_on_submit():
        staff_services.save_reply(reply, form.kind.data, form.title.data, form.body.data)
        flash("Reusable reply saved.", "success")
        return redirect(url_for("staff.replies"))
    return render_template("staff/reply_edit.html", form=form, reply=reply)


@bp.route("/replies/<int:reply_id>/delete", methods=["POST"])
def reply_delete(reply_id: int):
    reply = db.session.get(ReusableReply, reply_id) or abort(404)
    if DeleteForm().validate_on_submit():
        staff_services.delete_reply(reply)
        flash("Reusable reply deleted.", "success")
    return redirect(url_for("staff.replies"))
