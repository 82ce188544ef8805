"""What the public help pages show: the help centre's front page and search, one article,
and the suggestions panel a question form asks for while it is written."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, select

from portal.extensions import db
from portal.help import search, services
from portal.help.models import (
    AUDIENCE_LABELS,
    ArticleStatus,
    HelpArticle,
    HelpArticleVersion,
    split_topics,
    topic_label,
)
from portal.help.render import plain_text


@dataclass(frozen=True)
class Listed:
    slug: str
    title: str
    summary: str
    audience: str
    topics: list[str]


def _published_versions():
    return (
        select(HelpArticle.slug, HelpArticleVersion)
        .join(HelpArticleVersion, and_(HelpArticleVersion.article_id == HelpArticle.id,
                                       HelpArticleVersion.number == HelpArticle.published_number))
        .where(HelpArticle.status == ArticleStatus.PUBLISHED)
        .order_by(HelpArticleVersion.title)
    )


def centre_page(question: str, topic: str, audience: str) -> dict:
    """The help centre: search results for ``question``, or every article, narrowed to a topic
    and an audience. A search that finds nothing is kept for staff."""
    audience = audience if audience in set(AUDIENCE_LABELS) else ""
    topic = "-".join(topic.lower().split())[:40]
    rows = db.session.execute(_published_versions()).all()
    topics = sorted({t for _, v in rows for t in v.topic_list})
    hits = None
    if question.strip():
        hits = search.search_articles(question, [audience, "everyone"] if audience else None)
        if not hits:
            services.record_search_miss(question)
    listed = [
        Listed(slug, v.title, plain_text(v.body, 160), v.audience, v.topic_list)
        for slug, v in rows
        if (not topic or topic in v.topic_list) and (not audience or v.audience == audience)
    ]
    return {"hits": hits, "articles": listed, "topics": topics, "topic": topic,
            "audience": audience, "question": question, "audiences": AUDIENCE_LABELS,
            "topic_label": topic_label}


def article_page(slug: str) -> dict | None:
    """The published version of the article at ``slug``, with others on its topics."""
    row = db.session.execute(_published_versions().where(HelpArticle.slug == slug)).first()
    if row is None:
        return None
    version = row[1]
    related = [
        (s, v.title) for s, v in db.session.execute(_published_versions()).all()
        if s != slug and set(v.topic_list) & set(version.topic_list)
    ][:5]
    return {"slug": slug, "version": version, "related": related,
            "audience_label": AUDIENCE_LABELS.get(version.audience, ""),
            "topic_label": topic_label}


def suggestions_panel(question: str, audiences: list[str]) -> list[search.Hit]:
    """The three best articles for what has been typed so far (nothing for a word or two)."""
    if len(question.strip()) < 3:
        return []
    return search.search_articles(question[:600], audiences, limit=3, max_terms=8)


def split(text: str) -> list[str]:
    return split_topics(text)
