"""Administration: users, settings, and the development mailbox."""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.admin import bp
from portal.extensions import db
from portal.notify.models import OutboxMessage

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
