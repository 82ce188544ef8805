"""Finding any case, open or closed, by words (issue #16): what goes into a request's
search document, and keeping it in step with the request.

The document's title is the reference and subject; its body is the customer's name, email
address (whole, and split into words), phone, organisation, what they asked, and every
message on the timeline (internal notes included: only staff search). Whatever changes a
request or adds to its timeline passes through a flush, so a session hook re-indexes the
requests touched in that flush, in the same transaction: a service never has to remember
to (erasure, merging and inbound email included). ``flask requests reindex`` fills the
index for rows made before it existed, or by bulk inserts.
"""

from __future__ import annotations

import re

from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import Organisation
from portal.extensions import db
from portal.requests.models import RequestEvent, ServiceRequest
from portal.search import fulltext

INDEX = "requests"
_PENDING = "requests_to_index"
_WORDS = re.compile(r"[^\w]+", re.UNICODE)


def document(request: ServiceRequest, messages: list[str], organisation: str) -> tuple[str, str]:
    """The (title, body) indexed for ``request``."""
    email = request.requester_email or ""
    body = "\n".join([
        request.requester_name or "", email, _WORDS.sub(" ", email),
        request.requester_phone or "", organisation, request.body or "", *messages,
    ])
    return f"{request.reference or ''} {request.subject or ''}", body


def index_request(request_id: int) -> None:
    """Write (or replace) one request's document from what is in the database now."""
    with db.session.no_autoflush:
        request = db.session.get(ServiceRequest, request_id)
        if request is None or request.reference is None:
            fulltext.remove(INDEX, request_id)
            return
        messages = list(db.session.scalars(
            select(RequestEvent.body).where(RequestEvent.request_id == request_id,
                                            RequestEvent.body != "")
            .order_by(RequestEvent.id)))
        organisation = db.session.scalar(
            select(Organisation.name).where(Organisation.id == request.organisation_id)
        ) if request.organisation_id else ""
        fulltext.put(INDEX, request_id, *document(request, messages, organisation or ""))


@sa_event.listens_for(Session, "before_flush")
def _note_changes(session, _context, _instances) -> None:
    pending = session.info.setdefault(_PENDING, set())
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, ServiceRequest):
            pending.add(obj)
        elif isinstance(obj, RequestEvent) and obj.request is not None:
            pending.add(obj.request)
    for obj in session.deleted:
        if isinstance(obj, ServiceRequest) and obj.id is not None:
            session.info.setdefault("requests_to_unindex", set()).add(obj.id)


@sa_event.listens_for(Session, "after_flush_postexec")
def _index_changes(session, _context) -> None:
    pending = session.info.pop(_PENDING, set())
    gone = session.info.pop("requests_to_unindex", set())
    if not (pending or gone) or session.get_bind().dialect.name not in ("postgresql", "sqlite"):
        return
    for request in pending:
        if request.id is not None and request.id not in gone:
            index_request(request.id)
    for request_id in gone:
        fulltext.remove(INDEX, request_id)


def reindex_all(batch: int = 1000) -> int:
    """Write every request's document (the backfill); returns how many."""
    done, last = 0, 0
    while True:
        ids = list(db.session.scalars(
            select(ServiceRequest.id).where(ServiceRequest.id > last)
            .order_by(ServiceRequest.id).limit(batch)))
        if not ids:
            return done
        for request_id in ids:
            index_request(request_id)
        done += len(ids)
        last = ids[-1]
        db.session.expunge_all()
