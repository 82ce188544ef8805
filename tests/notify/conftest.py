"""Fixtures: a real SMTP server on loopback."""

import pytest

from portal.extensions import db
from tests.smtp_server import mail_config, smtp  # noqa: F401


@pytest.fixture
def request_id(app) -> int:
    """The id of a real customer request, for emails tied to one."""
    from portal.requests import services

    made = services.submit_request(
        "query",
        subject="About my renewal",
        body="When is it?",
        name="Chris Customer",
        email="c@example.test",
        notify_customer=False,
    ).request
    db.session.flush()
    return made.id
