"""What a member's pages cost the database: a fixed number of statements, whatever the
number of requests or replies (docs/PERFORMANCE.md, bench/queries.py)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, update

from portal.database import utcnow
from portal.extensions import db
from portal.requests import live, services
from portal.requests.models import ServiceRequest
from tests.factories import make_user


@pytest.fixture
def app_config(app_config):
    # Office hours and holidays kept per process for a while, as in production.
    return {**app_config, "CALENDAR_CACHE_SECONDS": 600}


@contextmanager
def counting():
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def statements_for(client, url: str) -> int:
    client.get(url)  # warms the per-process calendar cache, as a running server's is
    with counting() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_member_pages_cost_the_same_few_statements_however_many_requests(signed_in_as):
    client, member = signed_in_as("member")
    staff = make_user("staff")
    made = [services.submit_request("query", subject=f"Q{n}", body="B", requester=member).request
            for n in range(3)]
    services.staff_reply(made[0], staff, "An answer.")
    services.resolve(made[2], staff, "Done.")
    db.session.commit()
    page, state = f"/member/requests/{made[0].reference}", f"/live/{live.state_key('u', member.id)}"

    # The user with this browser's session and the membership; the lists with their tag;
    # on every full page, the service notices in force (the banner, issue 17).
    assert statements_for(client, "/member/") == 3
    assert statements_for(client, "/member/requests/live") == 2
    # The user; the request with its events and their files. Its promise's policy version is
    # read once per app (versions are never edited), here already by the staff reply above.
    # And the notices in force, read once for the banner and the request's own notice.
    assert statements_for(client, page) == 3
    assert statements_for(client, f"{page}/live") == 2
    # Only the version (the tests turn the per-process version cache off); never the user.
    assert statements_for(client, state) == 1

    for n in range(5):
        services.submit_request("query", subject=f"More {n}", body="B", requester=member)
        services.staff_reply(made[0], staff, f"Another answer {n}.")
    db.session.commit()
    assert statements_for(client, "/member/") == 3
    assert statements_for(client, page) == 3


def test_the_lists_and_their_tag_from_one_query_match_the_separate_reads(app):
    member, staff = make_user("member"), make_user("staff")
    assert live.requests_of(member.id) == ([], [], live.user_etag(member.id, 0, 0))
    made = [services.submit_request("query", subject=f"Q{n}", body="B", requester=member).request
            for n in range(10)]
    services.submit_request("query", subject="Someone else's", body="B",
                            requester=make_user("member"))
    for n, request in enumerate(made[:7]):
        services.resolve(request, staff, "Done.")
        # Closed at different times, not in the order they were made.
        request.updated_at = utcnow() - timedelta(hours=(n * 5) % 7)
    db.session.flush()
    db.session.execute(update(ServiceRequest).where(ServiceRequest.id == made[8].id)
                       .values(status="closed"))
    db.session.commit()
    db.session.expire_all()

    lists = live.requests_of(member.id)
    # Requests made together fall due together: the separate reads leave such ties unordered.
    assert lists.open_requests == sorted(services.open_requests_for(member),
                                         key=lambda r: (r.response_due_at, r.id))
    assert lists.closed_requests == services.recently_closed_for(member)
    assert len(lists.open_requests) == 2 and len(lists.closed_requests) == 5
    assert lists.etag == live.etag_for_user(member.id)
