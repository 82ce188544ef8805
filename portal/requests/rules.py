"""Who may see or change a request and its files (ASVS V8.2; the engine is
``portal.security.policy``): the person who made it, every contact of the organisation it was
made for, a visitor holding its private link (until 90 days after it closes), and staff. A file
on an internal staff note is for staff only (field-level rule, V8.1.2)."""

from __future__ import annotations

import hmac
from datetime import timedelta

from portal.database import utcnow
from portal.requests.models import Attachment, ServiceRequest
from portal.requests.services import PRIVATE_LINK_DAYS_AFTER_CLOSE
from portal.requests.timeline import hash_token
from portal.security.policy import ORGANISATION_CONTACTS, STAFF, PrivateLink, rule


def _holds_link(link: PrivateLink, req: ServiceRequest) -> bool:
    if not req.private_token_hash or not link.token or len(link.token) > 100:
        return False
    if not hmac.compare_digest(hash_token(link.token), req.private_token_hash):
        return False
    closed = req.closed_at
    return closed is None or utcnow() <= closed + timedelta(days=PRIVATE_LINK_DAYS_AFTER_CLOSE)


def _customer_of(user, req: ServiceRequest) -> bool:
    if isinstance(user, PrivateLink):
        return _holds_link(user, req)
    if req.requester_id is not None and user.id == req.requester_id:
        return True
    return (
        user.role in ORGANISATION_CONTACTS
        and req.organisation_id is not None
        and user.organisation_id == req.organisation_id
    )


@rule(ServiceRequest, "view")
@rule(ServiceRequest, "change")
def _request(user, req: ServiceRequest) -> bool:
    return user.role in STAFF or _customer_of(user, req)


@rule(Attachment, "view")
def _attachment(user, attachment: Attachment) -> bool:
    if user.role in STAFF:
        return True
    event = attachment.event
    if event is not None and event.is_internal:
        return False
    return _customer_of(user, attachment.request)
