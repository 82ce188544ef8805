"""The changes the help centre allows: writing, publishing and archiving articles, and
recording what people did with them (CHARTER.md section 5: resolve first time where possible).

Every function flushes and never commits; the search index is written in the same
transaction as the article, so search never shows a page the database does not have.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from portal.database import utcnow
from portal.extensions import db
from portal.help import search
from portal.help.models import (
    ArticleStatus,
    Audience,
    EventKind,
    HelpArticle,
    HelpArticleVersion,
    HelpEvent,
    HelpSearchMiss,
    split_topics,
)

_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_SLUGS = {"suggest", "answered"}
FIELD_WORDS = {
    "title": "title", "body": "text", "audience": "audience", "topics": "topics",
    "review_by": "review date", "slug": "address",
}


class HelpError(ValueError):
    """A change the rules refuse; the message is said to staff as it is."""


def slugify(title: str) -> str:
    return _SLUG.sub("-", (title or "").lower()).strip("-")[:80] or "article"


@dataclass
class ArticleFields:
    """What staff (or a file) say about an article."""

    title: str
    body: str
    audience: str = Audience.EVERYONE
    topics: str = ""
    slug: str = ""
    owner_id: int | None = None
    review_by: date | None = None

    def cleaned(self) -> ArticleFields:
        slug = (self.slug or slugify(self.title)).strip().lower()
        if slug in RESERVED_SLUGS:
            raise HelpError(f"The address /help/{slug} is kept for the help centre itself.")
        if not SLUG_PATTERN.match(slug):
            raise HelpError("The address may use only lower-case letters, digits and hyphens.")
        if self.audience not in set(Audience):
            raise HelpError("Choose who the article is for.")
        return ArticleFields(self.title.strip(), self.body.strip() + "\n", str(self.audience),
                             ", ".join(split_topics(self.topics)), slug, self.owner_id,
                             self.review_by)


def _apply(article: HelpArticle, values: ArticleFields, by_id: int | None) -> None:
    values = values.cleaned()
    clash = db.session.scalar(select(HelpArticle.id).where(HelpArticle.slug == values.slug))
    if clash is not None and clash != article.id:
        raise HelpError(f"Another article already has the address /help/{values.slug}.")
    for field in fields(ArticleFields):
        setattr(article, field.name, getattr(values, field.name))
    article.updated_at = utcnow()
    article.updated_by_id = by_id


def create_article(values: ArticleFields, by_id: int | None) -> HelpArticle:
    """A new article, as a draft nobody outside the staff sees yet."""
    article = HelpArticle(status=ArticleStatus.DRAFT)
    _apply(article, values, by_id)
    db.session.add(article)
    db.session.flush()
    return article


def save_draft(article: HelpArticle, values: ArticleFields, by_id: int | None) -> None:
    """Change the working copy; what the public reads changes only when it is published."""
    _apply(article, values, by_id)
    db.session.flush()


def published_version(article: HelpArticle) -> HelpArticleVersion | None:
    if article.published_number is None:
        return None
    return db.session.scalar(select(HelpArticleVersion).where(
        HelpArticleVersion.article_id == article.id,
        HelpArticleVersion.number == article.published_number))


def unpublished_changes(article: HelpArticle) -> list[str]:
    """What the working copy changes from the published version, in words ([] if nothing)."""
    version = published_version(article)
    if version is None:
        return ["everything (never published)"]
    changed = [words for name, words in FIELD_WORDS.items()
               if name != "slug" and getattr(article, name) != getattr(version, name)]
    return changed


def publish(article: HelpArticle, by_id: int | None, note: str = "") -> HelpArticleVersion | None:
    """Publish the working copy as a new version, kept for good with who published it and
    what it changed; returns None when nothing changed since the version in force."""
    changes = unpublished_changes(article)
    if not changes and article.status == ArticleStatus.PUBLISHED:
        return None
    number = (db.session.scalar(select(func.max(HelpArticleVersion.number))
                                .where(HelpArticleVersion.article_id == article.id)) or 0) + 1
    version = HelpArticleVersion(
        article_id=article.id, number=number, title=article.title, body=article.body,
        audience=article.audience, topics=article.topics, review_by=article.review_by,
        changes=(", ".join(changes) or "published again")[:300], note=note.strip()[:300],
        published_by_id=by_id,
    )
    db.session.add(version)
    article.status = ArticleStatus.PUBLISHED
    article.published_number = number
    article.updated_at = utcnow()
    db.session.flush()
    search.index_version(version)
    return version


def archive(article: HelpArticle, by_id: int | None) -> None:
    """Take an article off the public pages and out of search; its versions are kept."""
    article.status = ArticleStatus.ARCHIVED
    article.updated_at = utcnow()
    article.updated_by_id = by_id
    search.unindex(article.id)
    db.session.flush()


# ------------------------------------------------------------------------------- reading


def staff_article(article_id: int) -> HelpArticle | None:
    return db.session.get(HelpArticle, article_id)


def all_articles(status: str | None = None) -> list[HelpArticle]:
    query = select(HelpArticle).order_by(HelpArticle.title)
    if status in set(ArticleStatus):
        query = query.where(HelpArticle.status == status)
    return list(db.session.scalars(query))


def past_review(today: date, owner_id: int | None = None) -> list[HelpArticle]:
    """Published articles whose review-by date has passed, oldest first (for their owner,
    or all of them)."""
    query = (select(HelpArticle)
             .where(HelpArticle.status == ArticleStatus.PUBLISHED, HelpArticle.review_by < today)
             .order_by(HelpArticle.review_by))
    if owner_id is not None:
        query = query.where(HelpArticle.owner_id == owner_id)
    return list(db.session.scalars(query))


def past_review_counts(today: date, owner_id: int) -> tuple[int, int]:
    """(all past review, of which this person owns) for the staff dashboard's flag."""
    every = past_review(today)
    return len(every), sum(1 for a in every if a.owner_id == owner_id)


# ------------------------------------------------------------------ what people did with them


def record_answered(article_id: int, audience: str, form: str) -> bool:
    """Count "This answered my question": a question resolved at first contact, with no
    request made. False when the article is not one the public can read."""
    if db.session.scalar(select(HelpArticle.id).where(
            HelpArticle.id == article_id,
            HelpArticle.status == ArticleStatus.PUBLISHED)) is None:
        return False
    db.session.add(HelpEvent(kind=EventKind.ANSWERED, article_id=article_id,
                             audience=audience[:20], form=form[:30]))
    db.session.flush()
    return True


def record_asked_anyway(article_ids: list[int], request_id: int, audience: str,
                        form: str) -> int:
    """Note the articles a person read (or was shown) before sending a request anyway, once
    per request and article, so staff see which articles did not answer."""
    known = set(db.session.scalars(select(HelpArticle.id).where(
        HelpArticle.id.in_(article_ids[:10]))))
    already = set(db.session.scalars(select(HelpEvent.article_id).where(
        HelpEvent.request_id == request_id)))
    added = 0
    for article_id in sorted(known - already):
        db.session.add(HelpEvent(kind=EventKind.ASKED_ANYWAY, article_id=article_id,
                                 audience=audience[:20], form=form[:30], request_id=request_id))
        added += 1
    db.session.flush()
    return added


def record_search_miss(question: str) -> None:
    """Keep a help-centre search that found nothing, so staff know what to write next."""
    db.session.add(HelpSearchMiss(query=" ".join(question.split())[:100]))
    db.session.flush()


def first_contact_counts(starts_at: datetime, ends_at: datetime) -> dict[str, int]:
    """Questions answered by an article at first contact (no request made) and requests sent
    after reading one, in [starts_at, ends_at). The charter report and the public
    performance page both read this."""
    rows = db.session.execute(
        select(HelpEvent.kind, func.count(HelpEvent.id))
        .where(HelpEvent.happened_at >= starts_at, HelpEvent.happened_at < ends_at)
        .group_by(HelpEvent.kind)
    )
    counts = dict(rows.all())
    return {"answered": counts.get(EventKind.ANSWERED, 0),
            "asked_anyway": counts.get(EventKind.ASKED_ANYWAY, 0)}


def searches_that_found_nothing(now: datetime, days: int = 90, limit: int = 30) -> list:
    """(question, times asked, last asked) for recent searches with no result, most asked first."""
    return db.session.execute(
        select(HelpSearchMiss.query, func.count(HelpSearchMiss.id).label("times"),
               func.max(HelpSearchMiss.searched_at).label("last"))
        .where(HelpSearchMiss.searched_at >= now - timedelta(days=days))
        .group_by(HelpSearchMiss.query)
        .order_by(func.count(HelpSearchMiss.id).desc(), HelpSearchMiss.query)
        .limit(limit)
    ).all()


def article_outcomes(now: datetime, days: int = 90) -> list:
    """For each article people met at a question form: how often it answered and how often
    they asked anyway, most asked-anyway first (the articles to improve)."""
    answered = func.sum(func.cast(HelpEvent.kind == EventKind.ANSWERED, db.Integer))
    asked = func.sum(func.cast(HelpEvent.kind == EventKind.ASKED_ANYWAY, db.Integer))
    return db.session.execute(
        select(HelpArticle.id, HelpArticle.title, answered.label("answered"),
               asked.label("asked_anyway"))
        .join(HelpEvent, HelpEvent.article_id == HelpArticle.id)
        .where(HelpEvent.happened_at >= now - timedelta(days=days))
        .group_by(HelpArticle.id, HelpArticle.title)
        .order_by(asked.desc(), HelpArticle.title)
    ).all()


def link_choices(question: str) -> tuple[list, list]:
    """Articles staff may link to in a reply: the best few for ``question`` first, then the
    rest of the published ones by title, each as (id, title, slug)."""
    suggested = [(h.id, h.title, h.slug) for h in search.search_articles(question, None, 5)]
    taken = {s[0] for s in suggested}
    rest = db.session.execute(
        select(HelpArticle.id, HelpArticle.title, HelpArticle.slug)
        .where(HelpArticle.status == ArticleStatus.PUBLISHED).order_by(HelpArticle.title)
    ).all()
    return suggested, [tuple(row) for row in rest if row[0] not in taken]


def article_link_text(article_id: int, url_for_slug) -> str:
    """The line a reply carries for a published article: its title and full address."""
    row = db.session.execute(
        select(HelpArticle.title, HelpArticle.slug)
        .where(HelpArticle.id == article_id, HelpArticle.status == ArticleStatus.PUBLISHED)
    ).first()
    return f"{row.title}: {url_for_slug(row.slug)}" if row else ""
