"""Lists of requests for the customers' own pages (their dashboard, their organisation's
list). Read only."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.requests.models import OPEN_STATUSES, ServiceRequest, Status


def open_requests_for(user: User) -> list[ServiceRequest]:
    return list(db.session.scalars(
        select(ServiceRequest)
        .where(ServiceRequest.requester_id == user.id,
               ServiceRequest.status.in_([s.value for s in OPEN_STATUSES]))
        .order_by(ServiceRequest.response_due_at)
    ))


def recently_closed_for(user: User, limit: int = 5) -> list[ServiceRequest]:
    return list(db.session.scalars(
        select(ServiceRequest)
        .where(ServiceRequest.requester_id == user.id,
               ServiceRequest.status.in_([Status.RESOLVED.value, Status.CLOSED.value]))
        .order_by(ServiceRequest.updated_at.desc())
        .limit(limit)
    ))


def organisation_requests(organisation_id: int, *, open_only: bool, limit: int = 50):
    """An organisation's open requests, soonest due first, or its closed ones, newest first."""
    query = select(ServiceRequest).where(ServiceRequest.organisation_id == organisation_id)
    if open_only:
        query = query.where(ServiceRequest.status.in_([s.value for s in OPEN_STATUSES]))
        query = query.order_by(ServiceRequest.response_due_at, ServiceRequest.id)
    else:
        query = query.where(ServiceRequest.status.not_in([s.value for s in OPEN_STATUSES]))
        query = query.order_by(ServiceRequest.updated_at.desc(), ServiceRequest.id.desc())
    return db.session.scalars(query.limit(limit)).all()
