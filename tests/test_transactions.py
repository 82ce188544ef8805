"""One transaction per request: a view's work is committed once, or not at all."""

from __future__ import annotations

import pytest
from flask import abort
from sqlalchemy import func, select

from portal.accounts import sign_in
from portal.accounts.models import User
from portal.extensions import db
from portal.notify.models import OutboxMessage

EMAIL = "half-way@example.org"


def _register():
    # A real service call: a new account and its verification email in the outbox.
    sign_in.register_member("Half Way", EMAIL, "a-long-enough-passphrase")


@pytest.fixture
def routes(app):
    def raises():
        _register()
        raise RuntimeError("the view failed after the service call")

    def refuses():
        _register()
        abort(409)

    def succeeds():
        _register()
        return "done"

    app.add_url_rule("/test/raises", "test_raises", raises)
    app.add_url_rule("/test/refuses", "test_refuses", refuses)
    app.add_url_rule("/test/succeeds", "test_succeeds", succeeds)
    return app


def _left_behind() -> tuple[int, int]:
    db.session.rollback()  # see what other connections committed
    users = db.session.scalar(select(func.count(User.id)).where(User.email == EMAIL))
    emails = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.to_address == EMAIL)
    )
    return users, emails


def test_a_view_that_raises_after_a_service_call_leaves_nothing_behind(routes, client):
    with pytest.raises(RuntimeError):
        client.get("/test/raises")
    assert _left_behind() == (0, 0)


def test_an_error_response_rolls_the_request_back(routes, client):
    assert client.get("/test/refuses").status_code == 409
    assert _left_behind() == (0, 0)


def test_a_successful_request_commits_its_work_and_its_email_together(routes, client):
    assert client.get("/test/succeeds").status_code == 200
    assert _left_behind() == (1, 1)


def test_the_app_commits_only_in_the_request_hook_and_job_wrapper():
    """Every other commit in portal/ says, on its line, why it cannot wait for the request's."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "portal"
    bare = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "session.commit()" in line and "#" not in line
        and path.name not in {"transactions.py", "runner.py"}
    ]
    assert bare == [], "commit without a reason: " + ", ".join(bare)
