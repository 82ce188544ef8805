"""A month of requests (October 2026) for the published-figures tests: enough of each of
three promises that figures are published rather than withheld, made from a fixed seed."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from portal.extensions import db
from portal.requests.models import ServiceRequest
from portal.settings.services import current_policy

# Monday 2 November 2026 is the first working day after October: publication day.
PUBLISH_AT = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def make_requests(seed: int = 17) -> list[ServiceRequest]:
    rng = random.Random(seed)
    policy = current_policy()
    made = []
    plan = [("query", 30), ("callback", 14), ("complaint", 12), ("feedback", 4)]
    n = 0
    for code, count in plan:
        for _ in range(count):
            n += 1
            received = utc(2026, 9, 28, 9) + timedelta(days=rng.randint(0, 30),
                                                        hours=rng.randint(0, 7))
            due = received + timedelta(days=3)
            outcome = rng.random()
            met = None
            if outcome < 0.6:
                met = due - timedelta(hours=rng.randint(1, 40))  # on time (maybe early)
            elif outcome < 0.85:
                met = due + timedelta(hours=rng.randint(1, 30))  # late
            seconds = rng.randint(600, 90000) if met is not None else None
            row = ServiceRequest(
                reference=f"P-2026-{n:06d}", kind=code, promise_code=code,
                policy_version_id=policy.id, requester_name=f"Person {n}",
                requester_email=f"p{n}@example.test", subject=f"Subject {n}", body="Body",
                received_at=received, clock_started_at=received, response_due_at=due,
                promise_met_at=met, first_reply_at=met, first_reply_office_seconds=seconds,
                resolved_first_time=(rng.random() < 0.5) if met is not None else None,
                status="answered" if met is not None else "with_team",
            )
            if code == "complaint" and met is not None:
                row.resolution_due_at = due + timedelta(days=7)
                if rng.random() < 0.8:
                    row.resolved_at = row.resolution_due_at + timedelta(
                        days=rng.choice([-3, -1, 1]))
                    row.status = "resolved"
            db.session.add(row)
            made.append(row)
    db.session.commit()
    return made


@pytest.fixture
def october(app):
    return make_requests()
