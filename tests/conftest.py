"""Fixtures every test builds on.

Each test gets a fresh, migrated database: on SQLite a copy of a database migrated once per
session, and, when TEST_DATABASE_URL is set, the same test again on PostgreSQL, emptied
after every test. The schema always comes from the migrations, never from ``create_all``.

Under pytest-xdist (``-n``) every worker is a session of its own: its own SQLite template in
its own temporary directory, and its own PostgreSQL database, ``<name>_<worker>``, created
from TEST_DATABASE_URL at the start and dropped at the end.

Hypothesis runs the ``full`` profile unless told otherwise; ``--hypothesis-profile=fast`` (or
HYPOTHESIS_PROFILE=fast) is the quick loop of ``make test-fast``.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from hypothesis import settings
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, make_url, text

from portal import create_app
from portal.extensions import db

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])

# Test modules scale their example counts from the profile's max_examples.
settings.register_profile("full", max_examples=200, deadline=None)
settings.register_profile("fast", max_examples=20, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "full"))


def pytest_collection_modifyitems(config, items):
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec and callspec.params.get("backend") == "postgresql":
            item.add_marker(pytest.mark.postgres)


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.db"
    _migrate(f"sqlite:///{path}")
    # Fold the WAL into the main file so a plain copy carries the whole schema.
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
    return path


def _recreate_database(url: str, drop_only: bool = False) -> None:
    """(Re)create the database ``url`` names, through the server's ``postgres`` database."""
    server = create_engine(
        make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    name = make_url(url).database
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if not drop_only:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()


@pytest.fixture(scope="session")
def postgres_url():
    """Migrate the PostgreSQL test database once, from empty; a database per xdist worker."""
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        url = PG_URL
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        parsed = make_url(PG_URL)
        url = parsed.set(database=f"{parsed.database}_{worker}").render_as_string(
            hide_password=False
        )
        _recreate_database(url)
    _migrate(url)
    yield url
    if worker is not None:
        _recreate_database(url, drop_only=True)


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def database_url(backend, request, tmp_path) -> str:
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "portal.db"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("postgres_url")


def _empty_tables() -> None:
    from portal.search.fulltext import INDEXES
    from portal.search.schema import table_name

    tables = [t.name for t in db.metadata.sorted_tables] + [table_name(i) for i in INDEXES]
    names = ", ".join(f'"{name}"' for name in tables)
    db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture
def app_config(database_url, tmp_path) -> dict:
    """Settings for the test app; a test may change them before asking for ``app``."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "SERVER_NAME": "localhost",
        # Live pages read versions straight from the database (no per-process cache).
        "LIVE_CACHE_SECONDS": 0,
    }


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in an app context of its own.

    The test itself holds an app context (for ``db.session``); without this, requests would
    share its ``g`` and its session, so per-request caches such as Flask-Login's current user
    would leak from one request to the next, as they never do in production.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


class SharedTemplateCache(BytecodeCache):
    """Compiled templates shared by every app of the session.

    Each test builds an app of its own, and compiling every page's templates again for each
    was a fifth of the suite's time. Jinja checks each entry against the template's source;
    every test app has the same Jinja settings (create_app sets them).
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = SharedTemplateCache()


def _reuse_url_builders() -> None:
    """Build each URL rule's builder function once per session, not once per test app.

    Werkzeug compiles Python source for every rule of every new app, two thirds of what
    create_app costs. The builder depends only on the rule's text, parsed parts, defaults
    and converter types (converters are looked up on the rule when it runs), so apps with
    the same rule share one.
    """
    from werkzeug.routing.rules import Rule

    original = getattr(Rule, "_compile_builder", None)
    if original is None:  # another Werkzeug: build them as it does
        return
    built: dict = {}

    def _compile_builder(self, append_unknown=True):
        key = (
            self.rule,
            append_unknown,
            tuple(self._trace),
            tuple((name, repr(value)) for name, value in (self.defaults or {}).items()),
            tuple((name, type(conv)) for name, conv in self._converters.items()),
        )
        if key not in built:
            built[key] = original(self, append_unknown)
        return built[key]

    Rule._compile_builder = _compile_builder


_reuse_url_builders()


@pytest.fixture
def app(app_config, backend):
    app = create_app(dict(app_config))
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = TEMPLATES
    with app.app_context():
        yield app
        db.session.remove()
        if backend == "postgresql":
            _empty_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# -- people ---------------------------------------------------------------------------------

PASSWORD = "correct-horse-battery"


@pytest.fixture
def make_user(app):
    """Create a verified user of a role: ``make_user("staff", email=...)``."""
    from tests.factories import make_user as _make_user

    return _make_user


@pytest.fixture
def sign_in():
    """Sign a test client in through the real form."""

    def _sign_in(client, user, password: str = PASSWORD, remember: bool = False):
        from tests.factories import totp_code

        response = client.post(
            "/account/sign-in",
            data={"email": user.email, "password": password, "remember": "y" if remember else ""},
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        if response.headers["Location"] == "/account/two-step":
            response = client.post("/account/two-step", data={"code": totp_code(user)})
            assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return _sign_in


@pytest.fixture(params=["member", "employer", "centre", "staff", "admin"])
def role(request) -> str:
    return request.param


@pytest.fixture
def signed_in_as(app, make_user, sign_in):
    """A fresh client signed in as a new user of the given role."""

    def _signed_in(role: str, **fields):
        user = make_user(role, **fields)
        db.session.commit()
        client = app.test_client()
        sign_in(client, user)
        return client, user

    return _signed_in


@pytest.fixture
def member_client(signed_in_as):
    return signed_in_as("member")[0]


@pytest.fixture
def staff_client(signed_in_as):
    return signed_in_as("staff")[0]


@pytest.fixture
def admin_client(signed_in_as):
    return signed_in_as("admin")[0]


# -- helpers --------------------------------------------------------------------------------


def outbox_links(to: str) -> list[str]:
    """Every link in the emails queued for ``to``, oldest first."""
    from sqlalchemy import select

    from portal.notify.models import OutboxMessage

    bodies = db.session.scalars(
        select(OutboxMessage.body_text)
        .where(OutboxMessage.to_address == to)
        .order_by(OutboxMessage.id)
    ).all()
    return [link for body in bodies for link in re.findall(r"https?://\S+", body)]
