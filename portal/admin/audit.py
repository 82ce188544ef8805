"""The audit log page for administrators: /admin/audit (search and page through)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import abort, render_template, request
from sqlalchemy import func, or_, select

from portal.accounts.models import User
from portal.admin import bp
from portal.audit.models import AuditEntry
from portal.audit.services import ACTIONS, label
from portal.charter import LONDON
from portal.extensions import db

PAGE_SIZE = 50


def _day(value: str | None):
    try:
        return datetime.strptime(value, "%Y-%m-%d").date() if value else None  # noqa: DTZ007
    except ValueError:
        return None


@bp.route("/audit")
def audit_log():
    """Search by action, person (email of the actor or the customer), address and dates."""
    page = request.args.get("page", 1, type=int)
    if page < 1 or page > 10_000:
        abort(404)
    action = request.args.get("action", "")[:60]
    person = request.args.get("person", "").strip()[:254]
    address = request.args.get("address", "").strip()[:45]
    day_from, day_to = _day(request.args.get("from")), _day(request.args.get("to"))

    query = select(AuditEntry)
    if action:
        query = query.where(AuditEntry.action == action)
    if person:
        ids = db.session.scalars(
            select(User.id).where(func.lower(User.email).contains(person.lower(), autoescape=True))
        ).all()
        query = query.where(
            or_(AuditEntry.actor_id.in_(ids), AuditEntry.subject_user_id.in_(ids))
        )
    if address:
        query = query.where(AuditEntry.ip_address == address)
    if day_from:
        query = query.where(AuditEntry.at >= datetime.combine(day_from, time(0), LONDON))
    if day_to:
        end = datetime.combine(day_to + timedelta(days=1), time(0), LONDON)
        query = query.where(AuditEntry.at < end)

    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    entries = db.session.scalars(
        query.order_by(AuditEntry.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    people_ids = {e.actor_id for e in entries} | {e.subject_user_id for e in entries}
    people = {
        u.id: u for u in db.session.scalars(select(User).where(User.id.in_(people_ids - {None})))
    }
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "admin/audit.html",
        entries=entries,
        people=people,
        total=total,
        page=page,
        has_next=page * PAGE_SIZE < total,
        actions=ACTIONS,
        label=label,
        filters={
            "action": action,
            "person": person,
            "address": address,
            "from": request.args.get("from", ""),
            "to": request.args.get("to", ""),
        },
        args=args,
    )
