"""``flask help import`` and ``flask help export``: idempotent by slug (issue #18)."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.help.files import DEFAULT_FOLDER
from portal.help.models import HelpArticle, HelpArticleVersion

ARTICLE = """---
title: Record your CPD hours
slug: record-cpd
audience: members
topics: [CPD, evidence]
review_by: 2027-02-28
---
Add each activity with its hours.
"""


def _count(model):
    return db.session.scalar(select(func.count(model.id)))


def test_import_creates_then_changes_nothing_then_publishes_a_change(app, runner, tmp_path):
    (tmp_path / "cpd.md").write_text(ARTICLE)
    assert "1 created, 0 updated, 0 unchanged" in runner.invoke(
        args=["help", "import", str(tmp_path)]).output
    assert "0 created, 0 updated, 1 unchanged" in runner.invoke(
        args=["help", "import", str(tmp_path)]).output
    (tmp_path / "cpd.md").write_text(ARTICLE.replace("its hours", "its hours and evidence"))
    assert "0 created, 1 updated, 0 unchanged" in runner.invoke(
        args=["help", "import", str(tmp_path)]).output
    db.session.rollback()
    article = db.session.scalar(select(HelpArticle))
    assert (article.slug, article.audience, article.topics) == (
        "record-cpd", "members", "cpd, evidence")
    assert _count(HelpArticleVersion) == 2
    assert "Imported from cpd.md" in article.versions[0].note


def test_a_bad_file_is_reported_and_the_rest_still_load(app, runner, tmp_path):
    (tmp_path / "good.md").write_text(ARTICLE)
    (tmp_path / "bad.md").write_text("---\nslug: bad\naudience: martians\n---\nText\n")
    result = runner.invoke(args=["help", "import", str(tmp_path)])
    assert result.exit_code == 1
    assert "Not imported: bad.md" in result.output
    db.session.rollback()
    assert _count(HelpArticle) == 1


def test_export_writes_what_import_reads_back_unchanged(app, runner, tmp_path):
    runner.invoke(args=["help", "import", str(DEFAULT_FOLDER)])
    exported = tmp_path / "out"
    assert "articles written" in runner.invoke(args=["help", "export", str(exported)]).output
    files = sorted(p.name for p in exported.glob("*.md"))
    assert files == sorted(p.name for p in DEFAULT_FOLDER.glob("*.md"))
    result = runner.invoke(args=["help", "import", str(exported)])
    assert f"0 created, 0 updated, {len(files)} unchanged" in result.output


def test_the_demo_seed_loads_the_articles(app, runner):
    runner.invoke(args=["demo", "seed"])
    db.session.rollback()
    assert _count(HelpArticle) == len(list(DEFAULT_FOLDER.glob("*.md"))) >= 20
