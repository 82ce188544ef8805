"""Put documents into an index, take them out, and find the ones that match a question.

Both engines stem English words ("renewing" finds "renewal"), rank a title above a body,
and treat the last word typed as a prefix, so suggestions work while someone is typing.
A question matches a document holding any of its words; the score ranks documents holding
more of them, and rarer ones, first. Typing mistakes are not corrected here: an area that
needs that does it before calling :func:`matches`.

Every function works in ``db.session`` and flushes nothing itself: the write is part of the
transaction that changed the row the document describes (one commit per request).
"""

from __future__ import annotations

import re

from sqlalchemy import (
    Float,
    Integer,
    Select,
    column,
    delete,
    false,
    func,
    insert,
    literal,
    literal_column,
    select,
    table,
)
from sqlalchemy.dialects import postgresql

from portal.extensions import db
from portal.search.schema import table_name

#: The indexes the migrations make. An area adds its own with a migration that runs
#: :func:`portal.search.schema.create_statements`, and its name here.
INDEXES = ("help_articles", "requests")

# Enough words for any real question; more only makes the query slower.
MAX_TERMS = 16
MAX_TERM_LENGTH = 40
_WORD = re.compile(r"\w+", re.UNICODE)
TITLE_WEIGHT = 10.0


def terms(question: str) -> list[str]:
    """The words of ``question`` that the engines are given: lower case, letters and digits
    only (nothing else reaches a query, so no query syntax can be injected), de-duplicated."""
    seen: list[str] = []
    for word in _WORD.findall((question or "").lower()):
        word = word.replace("_", "")[:MAX_TERM_LENGTH]
        if word and word not in seen:
            seen.append(word)
        if len(seen) == MAX_TERMS:
            break
    return seen


def _index(index: str) -> str:
    if index not in INDEXES:
        raise ValueError(f"unknown search index: {index!r}")
    return table_name(index)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _table(name: str):
    key = "key" if _dialect() == "postgresql" else "rowid"
    return table(name, column(key, Integer), column("title"), column("body")), key


def put(index: str, key: int, title: str, body: str) -> None:
    """Insert or replace the document for ``key`` (the indexed row's id)."""
    fts, key_name = _table(_index(index))
    values = {key_name: int(key), "title": title or "", "body": body or ""}
    if key_name == "key":
        upsert = postgresql.insert(fts).values(values)
        db.session.execute(
            upsert.on_conflict_do_update(
                index_elements=["key"],
                set_={"title": upsert.excluded.title, "body": upsert.excluded.body},
            )
        )
        return
    db.session.execute(delete(fts).where(fts.c.rowid == int(key)))
    db.session.execute(insert(fts).values(values))


def remove(index: str, key: int) -> None:
    fts, key_name = _table(_index(index))
    db.session.execute(delete(fts).where(fts.c[key_name] == int(key)))


def matches(index: str, question: str) -> Select:
    """A query of the documents matching ``question``, with columns ``key`` and ``score``
    (higher is better). Join it to the area's own query for filters, order and limit::

        found = fulltext.matches("help_articles", q).subquery()
        select(Article).join(found, found.c.key == Article.id).order_by(found.c.score.desc())
    """
    name = _index(index)
    words = terms(question)
    if not words:
        return select(literal(0, Integer).label("key"), literal(0.0, Float).label("score")).where(
            false()
        )
    if _dialect() == "postgresql":
        return _matches_postgresql(name, words)
    return _matches_sqlite(name, words)


def _matches_postgresql(name: str, words: list[str]) -> Select:
    # Each word is letters and digits only; the last one may be a word still being typed.
    expression = " | ".join(words[:-1] + [words[-1] + ":*"])
    query = func.to_tsquery(literal_column("'english'::regconfig"), expression)
    fts = table(name, column("key", Integer), column("document"))
    return select(
        fts.c.key.label("key"),
        func.ts_rank_cd(fts.c.document, query).cast(Float).label("score"),
    ).where(fts.c.document.op("@@")(query))


def _matches_sqlite(name: str, words: list[str]) -> Select:
    # FTS5 query syntax: each word quoted (so it is only ever a word), the last as a prefix.
    expression = " OR ".join([f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*'])
    fts = table(name, column("rowid", Integer))
    this_table = literal_column(name)
    return select(
        fts.c.rowid.label("key"),
        (-func.bm25(this_table, TITLE_WEIGHT, 1.0)).cast(Float).label("score"),
    ).where(this_table.op("MATCH")(expression))


def search(index: str, question: str, limit: int = 10) -> list[tuple[int, float]]:
    """The best ``limit`` keys for ``question`` with their scores, best first."""
    found = matches(index, question).subquery()
    rows = db.session.execute(
        select(found.c.key, found.c.score).order_by(found.c.score.desc(), found.c.key).limit(limit)
    )
    return [(int(key), float(score)) for key, score in rows]
