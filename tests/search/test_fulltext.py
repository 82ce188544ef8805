"""The one search interface behaves the same on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

from portal.extensions import db
from portal.search import fulltext


def _load() -> None:
    fulltext.put("help_articles", 1, "Renewing your membership", "Pay your subscription each year.")
    fulltext.put("help_articles", 2, "Two-step codes", "Use the code from your app.")
    fulltext.put("help_articles", 3, "Certificates", "A certificate is posted after sign-off.")
    fulltext.put("requests", 1, "Unrelated", "membership renewal in another index")
    db.session.flush()


def test_english_word_forms_match_and_title_ranks_first(app):
    _load()
    found = fulltext.search("help_articles", "renew memberships")
    assert [key for key, _ in found] == [1]


def test_any_word_matches_and_more_words_rank_higher(app):
    _load()
    found = [key for key, _ in fulltext.search("help_articles", "certificate posted code")]
    assert found[0] == 3
    assert set(found) == {2, 3}


def test_last_word_is_a_prefix_while_typing(app):
    _load()
    assert [key for key, _ in fulltext.search("help_articles", "certif")] == [3]


def test_put_replaces_and_remove_removes(app):
    _load()
    fulltext.put("help_articles", 3, "Posting times", "Nothing about the old word.")
    assert fulltext.search("help_articles", "certificate") == []
    fulltext.remove("help_articles", 2)
    assert fulltext.search("help_articles", "two-step") == []


def test_query_syntax_is_only_ever_words(app):
    _load()
    for hostile in ['"', "NEAR(", "a OR", "*", "renew:* & !", "'; DROP TABLE x; --", "", "   "]:
        fulltext.search("help_articles", hostile)
    assert fulltext.search("help_articles", "") == []


def test_indexes_are_kept_apart(app):
    _load()
    assert [key for key, _ in fulltext.search("requests", "membership")] == [1]


def test_matches_joins_to_an_area_query(app):
    from sqlalchemy import literal, select

    _load()
    found = fulltext.matches("help_articles", "membership").subquery()
    rows = db.session.execute(select(found.c.key, literal("x")).order_by(found.c.score.desc()))
    assert [row[0] for row in rows] == [1]


def test_put_is_rolled_back_with_the_transaction(app):
    _load()
    db.session.commit()
    fulltext.put("help_articles", 9, "Rolled back", "never kept")
    db.session.rollback()
    assert fulltext.search("help_articles", "rolled") == []
