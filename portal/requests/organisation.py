"""Requests made by the contacts of an organisation (employer customers, learning centres).

Everyone at the organisation sees its requests; nobody sees another organisation's
(a reference from elsewhere is a 404, like a made-up one). The employer and centre areas
each attach these routes to their own blueprint, with their own form and kind.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.extensions import db
from portal.requests import pages, services
from portal.requests.models import OPEN_STATUSES, ServiceRequest


def organisation_requests(organisation_id: int, *, open_only: bool, limit: int = 50):
    query = select(ServiceRequest).where(ServiceRequest.organisation_id == organisation_id)
    if open_only:
        query = query.where(ServiceRequest.status.in_([s.value for s in OPEN_STATUSES]))
        query = query.order_by(ServiceRequest.response_due_at, ServiceRequest.id)
    else:
        query = query.where(ServiceRequest.status.not_in([s.value for s in OPEN_STATUSES]))
        query = query.order_by(ServiceRequest.updated_at.desc(), ServiceRequest.id.desc())
    return db.session.scalars(query.limit(limit)).all()


def add_routes(bp, side: str, form_class, *, route_to: Callable[[User], User | None]) -> None:
    """Attach list, new, confirmation and request-page routes for ``side`` to ``bp``.

    ``route_to(user)`` names the staff member a new request goes to at once (the employer's
    dedicated contact, or their deputy while the contact is away), or None for the team.
    """

    def _page(reference: str) -> pages.RequestPage:
        # The policy decides (portal.security.policy): the organisation's own requests only.
        found = db.session.scalar(
            select(ServiceRequest).where(ServiceRequest.reference == reference)
        )
        return pages.open_page(
            found, side, {"reference": reference}, current_user._get_current_object()
        )

    @bp.route("/requests")
    def requests_list():
        organisation_id = current_user.organisation_id
        if organisation_id is None:
            abort(404)
        return render_template(
            "requests/organisation_list.html",
            side=side,
            open_requests=organisation_requests(organisation_id, open_only=True),
            closed_requests=organisation_requests(organisation_id, open_only=False, limit=20),
            form_class=form_class,
        )

    @bp.route("/requests/new", methods=["GET", "POST"])
    def new_request():
        user = current_user._get_current_object()
        if user.organisation is None:
            abort(404)
        form = form_class()
        if form.validate_on_submit():
            subject, body, details = form.values()
            key = form.submission_key.data or None
            handler = route_to(user)
            try:
                submission = services.submit_request(
                    form.kind,
                    subject=subject,
                    body=body,
                    requester=user,
                    details=details,
                    uploads=form.uploads,
                    submission_key=key,
                    organisation=user.organisation,
                    assignee=handler,
                )
                if submission.created and handler is not None:
                    services.alert_assignee(submission.request)
                db.session.commit()
                made = submission.request
            except IntegrityError:
                db.session.rollback()
                made = key and services.find_duplicate_submission(user.email, key)
                if not made:
                    raise
            return redirect(url_for(f"{side}.request_confirmation", reference=made.reference))
        form.fresh_key()
        return render_template(
            "requests/new.html",
            form=form,
            visitor=False,
            action=url_for(f"{side}.new_request"),
            back_url=url_for(f"{side}.requests_list"),
            back_label="Back to your requests",
        )

    pages.add_customer_routes(bp, _page)
