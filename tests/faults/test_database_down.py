"""A lost database connection answers 503 with Retry-After, in the site's layout (issue 21)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import event

from portal.extensions import db


class Refused(Exception):
    pass


@pytest.fixture
def database_down(app):
    """From now on every new connection to the database is refused, as while it restarts;
    the pooled ones are dropped, as a restart drops them."""

    def refuse(dialect, conn_rec, cargs, cparams):
        raise dialect.loaded_dbapi.OperationalError("connection refused: the server is restarting")

    db.session.remove()
    db.engine.dispose()
    event.listen(db.engine, "do_connect", refuse)
    yield
    event.remove(db.engine, "do_connect", refuse)


@pytest.fixture
def member_client(signed_in_as):
    return signed_in_as("member")[0]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/charter"),
        ("GET", "/member/"),
        ("GET", "/staff/"),
        ("POST", "/account/sign-in"),
        ("POST", "/account/forgot-password"),
        ("GET", "/admin/mail"),
    ],
)
def test_every_page_answers_503_with_retry_after_while_the_database_is_away(
    member_client, database_down, caplog, method, path
):
    caplog.set_level(logging.INFO)
    response = member_client.open(
        path, method=method, data={"email": "someone@example.test", "password": "x"}
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    page = response.get_data(as_text=True)
    assert "Skip to main content" in page and "Member Services Portal" in page  # the layout
    assert "not available just now" in page
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(problems) == 1 and problems[0].exc_info is None
    assert "database unavailable" in problems[0].getMessage()


def test_the_portal_recovers_on_its_own_when_the_database_is_back(member_client, app):
    def refuse(dialect, conn_rec, cargs, cparams):
        raise dialect.loaded_dbapi.OperationalError("connection refused")

    db.session.remove()
    db.engine.dispose()
    event.listen(db.engine, "do_connect", refuse)
    assert member_client.get("/member/").status_code == 503
    event.remove(db.engine, "do_connect", refuse)
    assert member_client.get("/member/").status_code == 200  # same session, no restart


def test_connections_killed_by_a_restart_are_replaced_without_an_error(
    member_client, backend
):
    """A restart drops every pooled connection; pool_pre_ping notices before a page uses one."""
    if backend != "postgresql":
        pytest.skip("PostgreSQL's own connections are the ones a restart kills")
    from sqlalchemy import create_engine, text

    assert member_client.get("/member/").status_code == 200  # the pool holds a connection
    killer = create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
    with killer.connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    killer.dispose()
    assert killed >= 1
    assert member_client.get("/member/").status_code == 200
    db.session().invalidate()  # the test's own session held a killed connection too
    db.session.remove()
