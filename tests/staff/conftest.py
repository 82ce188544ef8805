"""Staff console test helpers, and the hand-counted requests for the charter report tests
(see test_report.py for the counts)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from portal.extensions import db
from portal.requests.models import ServiceRequest
from portal.settings.services import current_policy
from tests.requests.conftest import submit  # noqa: F401  (the fixture, reused here)

# Friday 20 November 2026, 12:00 GMT.
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# name, promise, due, met, first-reply office seconds, resolved first time, rating, status, closed
FIXTURES = [
    # Sep 30 23:30 BST: London's September, so in no report below except the trend.
    ("QX", "query", utc(2026, 9, 30, 22, 30), None, None, None, None, "received", None),
    # Oct 1 00:30 BST: London's October although it is still September in UTC. Met.
    ("Q0", "query", utc(2026, 9, 30, 23, 30), utc(2026, 9, 30, 23, 0), None, None, None,
     "answered", None),
    ("Q1", "query", utc(2026, 10, 5, 16), utc(2026, 10, 5, 10), 3600, True, 5, "resolved", None),
    ("Q2", "query", utc(2026, 10, 6, 16), utc(2026, 10, 6, 15), 7200, False, 3, "closed",
     utc(2026, 10, 20, 9)),
    # Due 5pm BST on Wednesday 7 October, replied 11am BST on the 8th: 2 office hours late.
    ("Q3", "query", utc(2026, 10, 7, 16), utc(2026, 10, 8, 10), 36000, True, None, "resolved",
     None),
    ("Q4", "query", utc(2026, 10, 8, 16), None, None, None, None, "with_team", None),
    # Closed before it fell due without a reply (a duplicate): neither met nor missed.
    ("Q5", "query", utc(2026, 10, 9, 16), None, None, False, None, "closed",
     utc(2026, 10, 8, 12)),
    ("B1", "callback", utc(2026, 10, 12, 14), utc(2026, 10, 12, 9), 1800, None, 4, "answered",
     None),
    # Met at the very instant it fell due: on time.
    ("B2", "callback", utc(2026, 10, 13, 14), utc(2026, 10, 13, 14), 28800, None, None,
     "answered", None),
    # Due 4pm GMT Monday 2 November, replied 10am on the 3rd: 1 + 1 = 2 office hours late.
    ("Q6", "query", utc(2026, 11, 2, 16), utc(2026, 11, 3, 10), 30000, None, 1, "answered",
     None),
    ("Q7", "query", utc(2026, 11, 25, 17), None, None, None, None, "received", None),
    ("Q8", "query", utc(2026, 11, 25, 17), utc(2026, 11, 19, 10), 3000, None, None, "answered",
     None),
    ("B3", "callback", utc(2026, 11, 10, 16), None, None, False, None, "closed",
     utc(2026, 11, 11, 9)),
    # Due 11am, and at noon still open: 1 office hour overdue.
    ("B4", "callback", utc(2026, 11, 20, 11), None, None, None, None, "received", None),
]


@pytest.fixture
def requests(app):
    policy = current_policy()
    made = {}
    for n, (name, code, due, met, seconds, first_time, rating, status, closed) in enumerate(
        FIXTURES
    ):
        received = utc(2026, 9, 1, 9)
        row = ServiceRequest(
            reference=f"T-2026-{n:06d}",
            kind=code,
            promise_code=code,
            policy_version_id=policy.id,
            requester_name=f"Customer {name}",
            requester_email=f"{name.lower()}@example.test",
            subject=f"Subject {name}",
            body="Body",
            received_at=received,
            clock_started_at=received,
            response_due_at=due,
            promise_met_at=met,
            first_reply_at=met if seconds is not None else None,
            first_reply_office_seconds=seconds,
            resolved_first_time=first_time,
            satisfaction_rating=rating,
            status=status,
            closed_at=closed,
        )
        db.session.add(row)
        made[name] = row
    db.session.commit()
    return made
