"""Find any case, open or closed (issue #16): by reference, name, email, organisation or
words from the conversation, with the queue's filters, best match first."""

from __future__ import annotations

from dataclasses import replace

from flask import render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Float, func, literal, select, union_all

from portal.accounts.services import organisations_by_name
from portal.extensions import db
from portal.requests.models import KIND_LABELS, ServiceRequest
from portal.requests.search import INDEX
from portal.search import fulltext
from portal.settings.services import get_calendar
from portal.staff import bp, queue
from portal.staff.teams import TEAMS
from portal.staff.views import CHANNEL_WORDS

PAGE = 50
MAX_PAGES = 20
#: Above this many matching cases, results come newest first rather than ranked.
RANK_LIMIT = 1000


def many_matches(term: str) -> bool:
    """True when more cases hold the words than are worth ranking one by one."""
    words = fulltext.matches(INDEX, term, every_word=True).subquery()
    sample = select(words.c.key).limit(RANK_LIMIT + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(sample)) > RANK_LIMIT


def find_cases(filters: queue.QueueFilters, page: int = 1) -> tuple[list[queue.QueueRow], bool]:
    """One page of the cases matching ``filters`` (any status unless the scope says), the
    best match first when words were typed, else the newest; and whether more follow.

    Ranking reads every matching document, so when more than :data:`RANK_LIMIT` cases hold
    the words (a single common word) they come newest first instead."""
    page = max(1, min(page, MAX_PAGES))
    if filters.search and (queue.is_exact(filters.search) or many_matches(filters.search)):
        query = select(ServiceRequest).where(*queue.base_conditions(filters)).order_by(
            ServiceRequest.id.desc())
    elif filters.search:
        # Driven by the matches (read once, with their scores); an exact reference or email
        # address ranks first. The other filters apply to what matched.
        hits = _hits(filters.search)
        query = (select(ServiceRequest).join(hits, hits.c.key == ServiceRequest.id)
                 .where(*queue.base_conditions(replace(filters, search="")))
                 .order_by(hits.c.score.desc(), ServiceRequest.id.desc()))
    else:
        query = select(ServiceRequest).where(*queue.base_conditions(filters)).order_by(
            ServiceRequest.id.desc())
    found = list(db.session.scalars(query.offset((page - 1) * PAGE).limit(PAGE + 1)))
    cal = get_calendar()
    t = queue.thresholds(cal=cal)
    return [queue.describe(r, t, cal) for r in found[:PAGE]], len(found) > PAGE


def _hits(term: str):
    exact = literal(1e9, Float)
    words = fulltext.matches(INDEX, term, every_word=True).subquery()
    found = union_all(
        select(ServiceRequest.id.label("key"), exact.label("score"))
        .where(ServiceRequest.reference == term.upper()),
        select(ServiceRequest.id.label("key"), exact.label("score"))
        .where(ServiceRequest.requester_email == term.lower()),
        select(words.c.key, words.c.score),
    ).subquery()
    return (select(found.c.key, func.max(found.c.score).label("score"))
            .group_by(found.c.key).subquery())


@bp.route("/find")
def find():
    """Any case, open or closed, by words and the queue's filters."""
    filters = queue.QueueFilters.from_args(request.args, current_user.id, scope="all")
    page_text = request.args.get("page", "1")
    page = int(page_text) if page_text.isdigit() and len(page_text) < 4 else 1
    asked = any(v for k, v in request.args.items() if k not in ("page", "scope"))
    rows, more = find_cases(filters, page) if asked else ([], False)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "staff/find.html", rows=rows, filters=filters, asked=asked, page=page, args=args,
        next_url=queue_url("staff.find", args, page=page + 1) if more else None,
        previous_url=queue_url("staff.find", args, page=page - 1) if page > 1 else None,
        organisations=organisations_by_name(), kinds=KIND_LABELS, teams=TEAMS,
        scopes=queue.SCOPES, channel_words=CHANNEL_WORDS,
    )


def queue_url(endpoint: str, args: dict, **more) -> str:
    return url_for(endpoint, **{**args, **more})
