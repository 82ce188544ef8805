"""``flask demo seed``: the demo sign-ins and data, loaded once, never in production."""

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.demo import DEMO_ACCOUNTS
from portal.extensions import db
from portal.requests.models import ServiceRequest


def test_seed_loads_every_demo_account_and_is_idempotent(runner):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert "Demo data loaded" in first.output
    emails = set(db.session.scalars(select(User.email)))
    for email, _role, _name in DEMO_ACCOUNTS:
        assert email in emails
    users = db.session.scalar(select(func.count(User.id)))
    requests = db.session.scalar(select(func.count(ServiceRequest.id)))
    assert requests >= 20  # the queue and the member's pages have something to show

    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0, second.output
    assert "nothing changed" in second.output
    assert db.session.scalar(select(func.count(User.id))) == users
    assert db.session.scalar(select(func.count(ServiceRequest.id))) == requests


def test_demo_accounts_are_printed(runner):
    result = runner.invoke(args=["demo", "accounts"])
    assert "member@demo.test" in result.output and "demo-pass-2026" in result.output


def test_seed_is_refused_in_production(app, runner):
    app.config["ENV_NAME"] = "production"
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code != 0
    assert "never loaded into a production database" in result.output


def test_demo_code_is_the_current_two_step_code(runner):
    import pyotp

    from portal.demo import DEMO_TOTP_SECRET

    result = runner.invoke(args=["demo", "code"])
    assert pyotp.TOTP(DEMO_TOTP_SECRET).verify(result.output.strip(), valid_window=1)


def test_demo_history_happened_over_time_not_at_the_seed_moment(runner):
    """Issue #16: every "met" was the moment the seed ran, so timelines and the report were
    wrong. Met times now spread over the days the requests took."""
    from datetime import timedelta

    from portal.database import utcnow

    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    seeded_at = utcnow()
    rows = db.session.execute(select(
        ServiceRequest.received_at, ServiceRequest.promise_met_at,
        ServiceRequest.response_due_at, ServiceRequest.first_reply_office_seconds,
    ).where(ServiceRequest.promise_met_at.is_not(None))).all()
    assert len(rows) >= 40
    met = [row.promise_met_at for row in rows]
    assert not [row for row in rows if seeded_at - row.promise_met_at < timedelta(minutes=2)]
    assert all(row.received_at <= row.promise_met_at for row in rows)
    assert len({m.date() for m in met}) >= 15  # spread over many days
    on_time = sum(row.promise_met_at <= row.response_due_at for row in rows)
    assert 0.6 * len(rows) <= on_time < len(rows)  # mostly kept, some late, as in life
    assert all(row.first_reply_office_seconds is not None for row in rows)
