"""The audit log page for administrators: /admin/audit (search and page through)."""

from __future__ import annotations

from flask import render_template, request

from portal.accounts.services import user_ids_with_email_like, users_by_id
from portal.admin import bp
from portal.admin.forms import AuditSearchForm
from portal.audit import services
from portal.audit.services import ACTIONS, label

PAGE_SIZE = 50


@bp.route("/audit")
def audit_log():
    """Search by action, person (email of the actor or the customer), address and dates."""
    form = AuditSearchForm(request.args)
    page = form.page_number()
    day_from, day_to = form.dates()
    person = form.person.data
    found = services.search(
        action=form.action.data,
        person_ids=user_ids_with_email_like(person) if person else None,
        address=form.address.data,
        day_from=day_from,
        day_to=day_to,
        page=page,
        page_size=PAGE_SIZE,
    )
    return render_template(
        "admin/audit.html",
        entries=found.entries,
        people=users_by_id(found.people_ids),
        total=found.total,
        page=page,
        has_next=found.has_next,
        actions=ACTIONS,
        label=label,
        filters=form.shown(),
        args={k: v for k, v in request.args.items() if k != "page" and v},
    )
