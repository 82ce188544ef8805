"""Help articles as Markdown files with front matter, so a body can keep its help content in
a repository and review it like code (``flask help import DIR`` / ``flask help export DIR``).

A file looks like this::

    ---
    title: Reset a forgotten password
    slug: reset-your-password
    audience: everyone
    topics: [sign-in, account]
    review_by: 2027-05-31
    owner: support@example.org     (optional: a staff member's email address)
    ---
    The article, in Markdown.

Import is idempotent by slug: a file whose article already reads the same changes nothing, a
changed file publishes a new version, a new file a new article.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import frontmatter
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from portal.help import services
from portal.help.models import ArticleStatus, HelpArticle, split_topics

DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / "content" / "help"


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _review_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _owner_id(email) -> int | None:
    if not email:
        return None
    return db.session.scalar(select(User.id).where(func.lower(User.email) == str(email).lower()))


def read_file(path: Path) -> services.ArticleFields:
    """The article a file describes; ValueError (said with the file's name) when it is wrong."""
    post = frontmatter.load(path)
    meta = post.metadata
    topics = meta.get("topics") or []
    if isinstance(topics, str):
        topics = split_topics(topics)
    if not str(meta.get("title") or "").strip():
        raise ValueError("it has no title")
    if not post.content.strip():
        raise ValueError("it has no text")
    return services.ArticleFields(
        title=str(meta["title"]), body=post.content, audience=str(meta.get("audience") or
                                                                  "everyone"),
        topics=", ".join(str(t) for t in topics), slug=str(meta.get("slug") or path.stem),
        owner_id=_owner_id(meta.get("owner")), review_by=_review_date(meta.get("review_by")),
    ).cleaned()


def _same(article: HelpArticle, values: services.ArticleFields) -> bool:
    return (article.status == ArticleStatus.PUBLISHED
            and not services.unpublished_changes(article)
            and (values.title, values.body, values.audience, values.topics, values.review_by)
            == (article.title, article.body, article.audience, article.topics, article.review_by)
            and (values.owner_id is None or values.owner_id == article.owner_id))


def import_folder(folder: Path, by_id: int | None = None) -> ImportResult:
    """Load every ``*.md`` file in ``folder``; publish what is new or changed (flushes only)."""
    result = ImportResult()
    for path in sorted(Path(folder).glob("*.md")):
        try:
            values = read_file(path)
        except (ValueError, TypeError, services.HelpError) as exc:
            result.problems.append(f"{path.name}: {exc}")
            continue
        article = db.session.scalar(select(HelpArticle).where(HelpArticle.slug == values.slug))
        if article is not None and _same(article, values):
            result.unchanged.append(values.slug)
            continue
        if article is not None and values.owner_id is None:
            values.owner_id = article.owner_id
        try:
            with db.session.begin_nested():
                if article is None:
                    article = services.create_article(values, by_id)
                    result.created.append(values.slug)
                else:
                    services.save_draft(article, values, by_id)
                    result.updated.append(values.slug)
                services.publish(article, by_id, note=f"Imported from {path.name}")
        except services.HelpError as exc:
            result.problems.append(f"{path.name}: {exc}")
    return result


def export_folder(folder: Path) -> list[Path]:
    """Write each published article's version in force as ``<slug>.md`` in ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for article in services.all_articles(ArticleStatus.PUBLISHED):
        version = services.published_version(article)
        meta = {"title": version.title, "slug": article.slug, "audience": version.audience,
                "topics": version.topic_list}
        if version.review_by:
            meta["review_by"] = version.review_by.isoformat()
        if article.owner is not None:
            meta["owner"] = article.owner.email
        path = folder / f"{article.slug}.md"
        path.write_text(frontmatter.dumps(frontmatter.Post(version.body.strip() + "\n", **meta),
                                          sort_keys=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
