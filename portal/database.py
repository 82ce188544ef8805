"""The declarative base, column types and database-level settings shared by every area."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import Enum

from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

# One naming convention, so a constraint has the same name on SQLite and PostgreSQL and
# a migration can drop it by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def in_values(values: Iterable[Enum]) -> str:
    """The values of enum members as a SQL list, for an ``IN (...)`` check constraint, so the
    database refuses a value the code does not know (STYLE.md: constraints live in the
    database too)."""
    return ", ".join(f"'{v.value}'" for v in values)


def utcnow() -> datetime:
    """The current instant, timezone-aware in UTC (use as a callable default)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """An instant stored in UTC that always comes back timezone-aware.

    PostgreSQL keeps ``timestamptz`` and returns it in the session's zone; SQLite keeps
    text and returns a naive value. Both are normalised to aware UTC here, and naive
    values are refused on the way in, because a naive time in this portal is a bug.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    # Flask-SQLAlchemy subclasses this base, so the annotation map lives on the registry.
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):  # pragma: no cover - trivial
    """Foreign keys on and WAL journal for every SQLite connection."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode")
    mode = cursor.fetchone()[0]
    if mode != "memory" and mode != "wal":
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@event.listens_for(Engine, "savepoint")
def _sqlite_begin_before_savepoint(connection, name):
    """Python's sqlite3 opens a transaction only before a write, so a SAVEPOINT taken first
    would start a transaction of its own, and releasing it would commit the request's work
    early. Begin the real transaction first, so a savepoint nests as on PostgreSQL. A savepoint
    is taken only to write, so the transaction takes the write lock at once (IMMEDIATE): a
    deferred one would read a snapshot that a concurrent writer could make stale."""
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def is_unique_violation(exc: IntegrityError) -> bool:
    """Whether the database refused a row for repeating a unique value (SQLite: "UNIQUE
    constraint failed"; PostgreSQL: "duplicate key value violates unique constraint")."""
    return "unique" in str(exc.orig).lower()


@contextmanager
def unique_or(session, error: Exception) -> Iterator[None]:
    """Save a unique value (an email, a reference, a learner's record) inside a SAVEPOINT.

    A form checks first that nobody has the value, but two people saving the same one at the
    same moment both pass that check; the database's unique constraint then refuses the
    second. Here that refusal undoes only the savepoint and becomes ``error`` (the domain
    error whose message the form shows, "already exists"), instead of an error page
    (issue #14). The block must flush: a value first sent at commit is too late to catch.
    """
    try:
        with session.begin_nested():
            yield
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        raise error from exc
