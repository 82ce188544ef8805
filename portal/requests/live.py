"""Keeping open request pages current without a reload (CHARTER.md section 6), cheaply.

A page polls a state URL every few seconds with ``If-None-Match``; the answer is almost
always ``304 Not Modified``, so it has to cost next to nothing. Two things make it so:

* the state URL carries a signature (HMAC with the app's secret) of what it watches, so it
  is answered without reading the session or the user: only someone who was shown the page
  knows the URL, and all it reveals is an opaque version tag;
* each process keeps the versions it has been asked about in memory and refreshes them in
  bulk, with one query for "everything changed lately", at most every ``LIVE_CACHE_SECONDS``.
  Two thousand pages polling cost one small query a second per process, not two thousand.

A change therefore shows within poll interval + cache age + one fragment fetch (about 4s with
the defaults). ``LIVE_CACHE_SECONDS = 0`` turns the cache off (tests use that).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import threading
import time
from datetime import timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import aliased

from portal.database import utcnow
from portal.extensions import db
from portal.requests.models import OPEN_STATUSES, ServiceRequest

DEFAULT_POLL_SECONDS = 3
DEFAULT_CACHE_SECONDS = 0.5
#: Re-read changes this far back on every refresh, so a transaction that committed a little
#: after it stamped ``updated_at`` (or a server whose clock is slightly behind) is not missed.
OVERLAP = timedelta(seconds=30)


def _signature(subject: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, b"live:" + subject.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


#: What a state key can name: ``r`` a request, ``u`` a user's requests, ``o`` an
#: organisation's requests, ``c`` a learning centre's learners and approval application.
KINDS = "ruoc"


def state_key(kind: str, ident: int) -> str:
    """The signed key naming what a page watches (one of :data:`KINDS` and an id)."""
    subject = f"{kind}{ident}"
    return f"{subject}.{_signature(subject)}"


def parse_key(key: str) -> tuple[str, int] | None:
    subject, _, signature = key.partition(".")
    if len(subject) < 2 or subject[0] not in KINDS or not subject[1:].isdigit():
        return None
    if not hmac.compare_digest(signature, _signature(subject)):
        return None
    return subject[0], int(subject[1:])


def request_etag(request_id: int, version: int) -> str:
    return f'"r{request_id}-{version}"'


def user_etag(user_id: int, count: int, total: int) -> str:
    # Versions only go up and requests are never deleted, so (count, sum of versions)
    # changes whenever any of the user's requests does.
    return f'"u{user_id}-{count}-{total}"'


def _read_request(request_id: int) -> int | None:
    return db.session.scalar(
        select(ServiceRequest.version).where(ServiceRequest.id == request_id)
    )


def _read_user(user_id: int) -> tuple[int, int]:
    count, total = db.session.execute(
        select(func.count(ServiceRequest.id), func.coalesce(func.sum(ServiceRequest.version), 0))
        .where(ServiceRequest.requester_id == user_id)
    ).one()
    return int(count), int(total)


def _read_organisation(organisation_id: int) -> str:
    count, total = db.session.execute(
        select(func.count(ServiceRequest.id), func.coalesce(func.sum(ServiceRequest.version), 0))
        .where(ServiceRequest.organisation_id == organisation_id)
    ).one()
    return f'"o{organisation_id}-{count}-{total}"'


def _read_centre(organisation_id: int) -> str:
    """A centre's learners and application, as a digest of what their pages show: how many
    completions are in each state (a sign-off or a posting moves one) with the latest of each
    kind of date, and the application's state. Read through the tables, so this package
    imports neither area."""
    tables = db.Model.metadata.tables
    completion, application = tables["completion"], tables["centre_application"]
    c = completion.c
    by_status = db.session.execute(
        select(c.status, func.count(), func.max(c.id), func.max(c.signed_off_at),
               func.max(c.dispatch_due_at), func.max(c.printed_at), func.max(c.dispatched_at),
               func.max(c.returned_at))
        .where(c.organisation_id == organisation_id)
        .group_by(c.status).order_by(c.status)
    ).all()
    applications = db.session.execute(
        select(application.c.id, application.c.status, application.c.updated_at,
               application.c.due_at, application.c.paused_at)
        .where(application.c.organisation_id == organisation_id)
        .order_by(application.c.id)
    ).all()
    quality = ()
    if "quality_action" in tables:
        # Quality visits and their actions (a visit recorded, evidence sent, a review).
        q = tables["quality_action"].c
        quality = db.session.execute(
            select(func.count(), func.max(q.id), func.max(q.evidence_at), func.max(q.decided_at),
                   func.count().filter(q.status == "open"))
            .where(q.organisation_id == organisation_id)
        ).one()
        v = tables["quality_visit"].c
        quality = (*quality, db.session.scalar(
            select(func.max(v.id)).where(v.organisation_id == organisation_id)))
    text = repr((by_status, applications, quality, _read_organisation(organisation_id)))
    digest = hashlib.sha256(text.encode()).hexdigest()[:20]
    return f'"c{organisation_id}-{digest}"'


#: Readers for the kinds not kept in the version cache: read at most every cache period.
_READERS = {"o": _read_organisation, "c": _read_centre}


def etag_of(kind: str, ident: int) -> str | None:
    """The tag a page rendered now would carry (read from the database, not the cache)."""
    if kind == "r":
        version = _read_request(ident)
        return None if version is None else request_etag(ident, version)
    if kind == "u":
        return etag_for_user(ident)
    return _READERS[kind](ident)


def etag_for_user(user_id: int) -> str:
    """The dashboard's tag, read from the database."""
    return user_etag(user_id, *_read_user(user_id))


class RequestLists(NamedTuple):
    """A member's dashboard lists and the tag the state URL compares them by."""

    open_requests: list[ServiceRequest]
    closed_requests: list[ServiceRequest]
    etag: str


def requests_of(user_id: int, closed_limit: int = 5) -> RequestLists:
    """The user's open requests (soonest due first), the ``closed_limit`` most recently
    closed (last changed first) and the tag of all their requests, in one query.

    The tag is what :func:`etag_for_user` reads (count and sum of versions over every one
    of the user's requests), taken by window functions before the rows are filtered, so a
    page rendered from these lists and its state URL agree.
    """
    rows = db.session.execute(
        _lists_statement(), {"user_id": user_id, "closed_limit": closed_limit}
    ).all()
    count, total = (int(rows[0][1]), int(rows[0][2])) if rows else (0, 0)
    found = [row[0] for row in rows]
    closed = sorted((r for r in found if not r.is_open), key=lambda r: (r.updated_at, r.id),
                    reverse=True)
    return RequestLists([r for r in found if r.is_open], closed, user_etag(user_id, count, total))


@functools.cache
def _lists_statement():
    # Built once: setting up a subquery's columns costs more than running it.
    open_values = [s.value for s in OPEN_STATUSES]
    is_open = ServiceRequest.status.in_(open_values)
    ranked = (
        select(
            ServiceRequest,
            func.count().over().label("live_count"),
            func.sum(ServiceRequest.version).over().label("live_total"),
            func.row_number()
            .over(partition_by=is_open,
                  order_by=(ServiceRequest.updated_at.desc(), ServiceRequest.id.desc()))
            .label("live_rank"),
        )
        .where(ServiceRequest.requester_id == bindparam("user_id"))
        .subquery()
    )
    request = aliased(ServiceRequest, ranked)
    return (
        select(request, ranked.c.live_count, ranked.c.live_total)
        .where(or_(ranked.c.status.in_(open_values),
                   ranked.c.live_rank <= bindparam("closed_limit")))
        .order_by(ranked.c.response_due_at, ranked.c.id)
    )


class VersionCache:
    """Per-process memory of versions, refreshed in bulk (see the module docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: dict[int, int] = {}
        self._users: dict[int, tuple[int, int]] = {}
        self._others: dict[tuple[str, int], tuple[float, str]] = {}
        self._refreshed_at = 0.0  # monotonic
        self._since = None

    def _refresh(self, max_age: float) -> None:
        now = time.monotonic()
        if now - self._refreshed_at < max_age:
            return
        with self._lock:
            if now - self._refreshed_at < max_age:
                return
            wall = utcnow()
            if self._since is not None and (self._requests or self._users):
                rows = db.session.execute(
                    select(ServiceRequest.id, ServiceRequest.requester_id, ServiceRequest.version)
                    .where(ServiceRequest.updated_at >= self._since)
                ).all()
                for request_id, requester_id, version in rows:
                    if request_id in self._requests:
                        self._requests[request_id] = version
                    self._users.pop(requester_id, None)
            self._since = wall - OVERLAP
            self._refreshed_at = now

    def request_etag(self, request_id: int, max_age: float) -> str | None:
        if max_age <= 0:
            version = _read_request(request_id)
            return None if version is None else request_etag(request_id, version)
        self._refresh(max_age)
        version = self._requests.get(request_id)
        if version is None:
            version = _read_request(request_id)
            if version is None:
                return None
            self._requests[request_id] = version
        return request_etag(request_id, version)

    def user_etag(self, user_id: int, max_age: float) -> str:
        if max_age <= 0:
            return etag_for_user(user_id)
        self._refresh(max_age)
        counts = self._users.get(user_id)
        if counts is None:
            counts = self._users[user_id] = _read_user(user_id)
        return user_etag(user_id, *counts)


    def other_etag(self, kind: str, ident: int, max_age: float) -> str:
        """An organisation's or centre's tag, re-read at most every ``max_age`` seconds."""
        if max_age <= 0:
            return _READERS[kind](ident)
        now = time.monotonic()
        found = self._others.get((kind, ident))
        if found is None or now - found[0] >= max_age:
            found = self._others[(kind, ident)] = (now, _READERS[kind](ident))
        return found[1]


def _cache() -> VersionCache:
    # One per app (and so per database), created on first use in each process.
    cache = current_app.extensions.get("live_versions")
    if cache is None:
        cache = current_app.extensions.setdefault("live_versions", VersionCache())
    return cache


def current_etag(kind: str, ident: int) -> str | None:
    """The tag for a state key's subject now, from the cache."""
    max_age = float(current_app.config.get("LIVE_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))
    if kind == "r":
        return _cache().request_etag(ident, max_age)
    if kind == "u":
        return _cache().user_etag(ident, max_age)
    return _cache().other_etag(kind, ident, max_age)


def poll_milliseconds() -> int:
    return int(float(current_app.config.get("LIVE_POLL_SECONDS", DEFAULT_POLL_SECONDS)) * 1000)
