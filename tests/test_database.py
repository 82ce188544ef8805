"""The schema comes from migrations, agrees with the models, and keeps instants aware."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from portal.accounts.models import User
from portal.extensions import db
from portal.search.schema import include_name
from tests.factories import make_user


def test_migrations_match_models(app):
    """Autogenerate finds nothing to do: the models and the migrations agree."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"compare_type": True, "render_as_batch": True, "include_name": include_name},
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_instants_come_back_aware_in_utc(app):
    user = make_user()
    moment = datetime(2026, 7, 1, 12, 30, tzinfo=timezone(timedelta(hours=1)))
    user.last_sign_in_at = moment
    db.session.commit()
    db.session.expire_all()
    loaded = db.session.get(User, user.id)
    assert loaded.last_sign_in_at.tzinfo is not None
    assert loaded.last_sign_in_at.utcoffset() == timedelta(0)
    assert loaded.last_sign_in_at == datetime(2026, 7, 1, 11, 30, tzinfo=UTC)
    assert loaded.created_at.tzinfo is not None


def test_naive_instants_are_refused(app):
    user = make_user()
    user.last_sign_in_at = datetime(2026, 7, 1, 12, 30)
    with pytest.raises(Exception, match="naive datetime"):
        db.session.flush()
    db.session.rollback()


def test_sqlite_runs_with_foreign_keys_and_wal(app, backend):
    if backend != "sqlite":
        pytest.skip("SQLite pragmas")
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_constraints_live_in_the_database(app):
    make_user(email="same@example.test")
    db.session.commit()
    with pytest.raises(Exception, match="(?i)unique"):
        make_user(email="same@example.test")
    db.session.rollback()
    with pytest.raises(Exception, match="(?i)check"):
        make_user(role="member").role = "superuser"
        db.session.flush()
    db.session.rollback()
