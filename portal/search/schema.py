"""The search tables, made by migrations and ignored when models are compared with the schema.

Each index is one table, ``fts_<index>``, keyed by the indexed row's id. On PostgreSQL it is an
ordinary table with a generated, weighted ``tsvector`` and a GIN index; on SQLite it is an FTS5
virtual table (which also makes shadow tables named ``fts_<index>_...``). Neither has a model,
so Alembic's comparison skips every table whose name starts with :data:`PREFIX`.
"""

from __future__ import annotations

PREFIX = "fts_"


def table_name(index: str) -> str:
    if not index.replace("_", "").isalnum() or not index.islower():
        raise ValueError(f"not an index name: {index!r}")
    return PREFIX + index


def is_search_table(name: str | None) -> bool:
    return bool(name) and name.startswith(PREFIX)


def include_name(name, type_, parent_names) -> bool:
    """Alembic's ``include_name`` hook: leave the search tables out of autogenerate."""
    return not (type_ == "table" and is_search_table(name))


def create_statements(dialect: str, index: str) -> list[str]:
    """The DDL that makes one index on ``dialect`` (``postgresql`` or ``sqlite``)."""
    table = table_name(index)
    if dialect == "postgresql":
        return [
            f"CREATE TABLE {table} ("
            " key BIGINT PRIMARY KEY,"
            " title TEXT NOT NULL DEFAULT '',"
            " body TEXT NOT NULL DEFAULT '',"
            " document tsvector GENERATED ALWAYS AS ("
            "  setweight(to_tsvector('english'::regconfig, title), 'A')"
            "  || setweight(to_tsvector('english'::regconfig, body), 'B')) STORED)",
            f"CREATE INDEX ix_{table}_document ON {table} USING gin (document)",
        ]
    return [
        f"CREATE VIRTUAL TABLE {table} USING fts5("
        "title, body, tokenize = 'porter unicode61 remove_diacritics 2')"
    ]


def drop_statements(dialect: str, index: str) -> list[str]:
    return [f"DROP TABLE IF EXISTS {table_name(index)}"]
