"""Benchmark help-centre search and question-form suggestions (issue 18, docs/PERFORMANCE.md).

Usage: ``python bench/help.py [--database-url URL] [--articles N] [--iterations N]``

* builds a fresh database (a temporary SQLite file, or the PostgreSQL database named by
  ``--database-url``, WHOSE SCHEMA IS DROPPED) from the migrations;
* loads the demo articles (content/help/) and generated ones up to N (default 5,000), each
  published through ``portal.help.services`` so the full-text index is written the way the
  portal writes it; each generated article is about one demo article's subject (four words
  in five from its text, the rest from all of them), so word frequencies cluster by subject
  the way a real help centre's do;
* times, for the 40 questions of the relevance table written as customers write them:
  - ``search``: ``search.search_articles`` (spelling correction, synonyms, full-text, 10 hits);
  - ``suggest``: ``suggest.suggestions`` for a visitor (subject + first words, 3 hits);
  - ``suggest endpoint``: GET /help/suggest through the test client (server time, rendered);
  - ``LIKE scan, first 10``: a plain ``LIKE '%word%'`` over title and body of the same
    published rows for each meaningful word, stopping at the first 10 rows (no ranking);
  - ``LIKE scan, ranked``: the same, reading every row and ordering by words matched;
  and reports p50/p95 in milliseconds, plus how often the right article is in the top three.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import frontmatter  # noqa: E402
from sqlalchemy import and_, case, or_, select, text  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.help import search, services, suggest  # noqa: E402
from portal.help.files import DEFAULT_FOLDER, import_folder  # noqa: E402
from portal.help.models import ArticleStatus, HelpArticle, HelpArticleVersion  # noqa: E402
from tests.help.relevance_cases import CASES  # noqa: E402

AUDIENCES = ["everyone", "members", "applicants", "employers", "centres"]
VISITOR = ["everyone", "members", "applicants"]


def _database(url: str | None) -> str:
    if url:
        from bench._common import fresh_database

        fresh_database(url)
        return url
    path = Path(tempfile.mkdtemp()) / "help-bench.db"
    sqlite_url = f"sqlite:///{path}"
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": sqlite_url})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return sqlite_url


def _seed(count: int) -> float:
    """The demo articles, then generated ones. Like a real help centre, each generated article
    is about one subject: four words in five come from one demo article's text, the rest from
    all of them (so common words are spread everywhere and subject words cluster)."""
    started = time.perf_counter()
    import_folder(DEFAULT_FOLDER)
    db.session.commit()
    sources = [(re.findall(r"[a-z]+", p.read_text().lower().split("---", 2)[-1]),
                ", ".join(frontmatter.load(p).metadata.get("topics") or []))
               for p in sorted(DEFAULT_FOLDER.glob("*.md"))]
    everything = [w for words, _ in sources for w in words]
    rng = random.Random(18)
    have = len(services.all_articles())
    for n in range(have, count):
        subject, topics = rng.choice(sources)

        def word(subject=subject):
            return rng.choice(subject) if rng.random() < 0.8 else rng.choice(everything)

        title = " ".join(word() for _ in range(rng.randint(4, 7))).capitalize()
        body = "\n\n".join(" ".join(word() for _ in range(rng.randint(40, 90)))
                           for _ in range(rng.randint(2, 4)))
        article = services.create_article(services.ArticleFields(
            f"{title} {n}", body, rng.choice(AUDIENCES), topics, slug=f"generated-{n}"), None)
        services.publish(article, None)
        if n % 500 == 0:
            db.session.commit()
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # What autovacuum does after a bulk load; without it the planner guesses 44 published
        # articles and probes the index once per article instead of using it.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    return time.perf_counter() - started


def _like_scan(question: str) -> list[int]:
    words = [w for w in re.findall(r"[a-z0-9]+", question.lower()) if w not in search.STOPWORDS]
    if not words:
        return []
    matches = [or_(HelpArticleVersion.title.ilike(f"%{w}%"),
                   HelpArticleVersion.body.ilike(f"%{w}%")) for w in words]
    query = (select(HelpArticle.id)
             .join(HelpArticleVersion, and_(
                 HelpArticleVersion.article_id == HelpArticle.id,
                 HelpArticleVersion.number == HelpArticle.published_number))
             .where(HelpArticle.status == ArticleStatus.PUBLISHED, or_(*matches))
             .limit(10))
    return list(db.session.scalars(query))


def _p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95) - 1]


def _like_ranked(question: str) -> list[int]:
    """The fair baseline for a ranked search: every row is read, and rows are ordered by how
    many of the words they contain (a LIKE scan cannot stop at the first ten)."""
    words = [w for w in re.findall(r"[a-z0-9]+", question.lower()) if w not in search.STOPWORDS]
    if not words:
        return []
    score = sum(case((or_(HelpArticleVersion.title.ilike(f"%{w}%"),
                          HelpArticleVersion.body.ilike(f"%{w}%")), 1), else_=0) for w in words)
    query = (select(HelpArticle.id)
             .join(HelpArticleVersion, and_(
                 HelpArticleVersion.article_id == HelpArticle.id,
                 HelpArticleVersion.number == HelpArticle.published_number))
             .where(HelpArticle.status == ArticleStatus.PUBLISHED)
             .order_by(score.desc(), HelpArticle.id)
             .limit(10))
    return list(db.session.scalars(query))


def _time(label: str, call, iterations: int) -> dict:
    """Wall time, and this process's CPU time (which on a shared, busy machine shows the work
    itself; on SQLite the database runs in this process, on PostgreSQL it does not)."""
    wall, cpu = [], []
    for i in range(iterations):
        question = CASES[i % len(CASES)][0]
        started, started_cpu = time.perf_counter(), time.process_time()
        call(question)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        db.session.rollback()
    return {"label": label, "p50": statistics.median(wall), "p95": _p95(wall),
            "max": max(wall), "cpu50": statistics.median(cpu), "cpu95": _p95(cpu)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--iterations", type=int, default=400)
    args = parser.parse_args()
    url = _database(args.database_url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    with app.app_context():
        engine = db.engine.dialect.name
        seeded = _seed(args.articles)
        total = len(services.all_articles(ArticleStatus.PUBLISHED))
        started = time.perf_counter()
        search.VOCABULARY.current()
        vocabulary_ms = (time.perf_counter() - started) * 1000
        right = sum(slug in [h.slug for h in search.search_articles(q, None, 3)]
                    for q, slug in CASES)
        for question, _ in CASES[:5]:  # warm the caches every process has after a minute
            search.search_articles(question)
            _like_scan(question)
        rows = [
            _time("search (10 hits)", lambda q: search.search_articles(q), args.iterations),
            _time("suggest (3 hits, visitor)",
                  lambda q: suggest.suggestions(q, "", VISITOR), args.iterations),
            _time("GET /help/suggest", lambda q: client.get(
                "/help/suggest", query_string={"q": q, "ask": "/contact/question"}),
                args.iterations),
            _time("LIKE scan, first 10", _like_scan, args.iterations),
            _time("LIKE scan, ranked", _like_ranked, args.iterations),
        ]
    print(f"engine: {engine}; {platform.python_version()} on {platform.machine()}")
    print(f"articles published: {total} (seeded in {seeded:.1f} s); vocabulary built in "
          f"{vocabulary_ms:.0f} ms (once per change to the published set)")
    print(f"right article in the top three: {right}/{len(CASES)} "
          f"(among {total} articles)")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'':28}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'cpu p50':>9}{'cpu p95':>9}")
    for row in rows:
        print(f"{row['label']:28}{row['p50']:9.2f}{row['p95']:9.2f}{row['max']:9.2f}"
              f"{row['cpu50']:9.2f}{row['cpu95']:9.2f}")


if __name__ == "__main__":
    main()
