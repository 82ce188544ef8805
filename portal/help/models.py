"""Tables the help centre owns: articles, every published version of each, and what people
did with them (answered by an article, asked anyway, searched and found nothing)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import in_values, utcnow
from portal.extensions import db


class Audience(StrEnum):
    EVERYONE = "everyone"
    MEMBERS = "members"
    APPLICANTS = "applicants"
    EMPLOYERS = "employers"
    CENTRES = "centres"


AUDIENCE_LABELS = {
    Audience.EVERYONE: "Everyone",
    Audience.MEMBERS: "Members",
    Audience.APPLICANTS: "Applicants",
    Audience.EMPLOYERS: "Employers",
    Audience.CENTRES: "Learning centres",
}


class ArticleStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


STATUS_LABELS = {
    ArticleStatus.DRAFT: "Draft",
    ArticleStatus.PUBLISHED: "Published",
    ArticleStatus.ARCHIVED: "Archived",
}


class EventKind(StrEnum):
    ANSWERED = "answered"          # "This answered my question": no request was made
    ASKED_ANYWAY = "asked-anyway"  # read (or was shown) the article, then sent the request


def split_topics(text: str) -> list[str]:
    """Topics as stored ("cpd, sign-in") to a clean list of lower-case slugs."""
    seen: list[str] = []
    for part in (text or "").split(","):
        topic = "-".join(part.strip().lower().split())
        if topic and topic not in seen:
            seen.append(topic[:40])
    return seen


def topic_label(topic: str) -> str:
    words = topic.replace("-", " ")
    return words[:1].upper() + words[1:]


class HelpArticle(db.Model):
    """An article's working copy. What the public reads is the version numbered
    ``published_number``; edits stay a draft until they are published."""

    __tablename__ = "help_article"
    __table_args__ = (
        CheckConstraint(f"status IN ({in_values(ArticleStatus)})", name="status"),
        CheckConstraint(f"audience IN ({in_values(Audience)})", name="audience"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=ArticleStatus.DRAFT, index=True)
    title: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(String(20), default=Audience.EVERYONE)
    topics: Mapped[str] = mapped_column(String(300), default="")
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    review_by: Mapped[date | None] = mapped_column(Date, index=True)
    published_number: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    owner = relationship("User", foreign_keys=[owner_id])
    updated_by = relationship("User", foreign_keys=[updated_by_id])
    versions: Mapped[list[HelpArticleVersion]] = relationship(
        back_populates="article", order_by="HelpArticleVersion.number.desc()",
        cascade="all, delete-orphan",
    )

    @property
    def topic_list(self) -> list[str]:
        return split_topics(self.topics)

    def __repr__(self) -> str:
        return f"<HelpArticle {self.id} {self.slug} {self.status}>"


class HelpArticleVersion(db.Model):
    """One published version, kept for good: what the public read, and who changed what."""

    __tablename__ = "help_article_version"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("help_article.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(String(20))
    topics: Mapped[str] = mapped_column(String(300), default="")
    review_by: Mapped[date | None] = mapped_column(Date)
    changes: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(String(300), default="")
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    article: Mapped[HelpArticle] = relationship(back_populates="versions")
    published_by = relationship("User")

    @property
    def topic_list(self) -> list[str]:
        return split_topics(self.topics)


class HelpEvent(db.Model):
    """What a person did with a suggested article: the figures the charter report shows."""

    __tablename__ = "help_event"
    __table_args__ = (
        CheckConstraint(f"kind IN ({in_values(EventKind)})", name="kind"),
        UniqueConstraint("request_id", "article_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("help_article.id", ondelete="SET NULL"), index=True
    )
    audience: Mapped[str] = mapped_column(String(20), default="")
    form: Mapped[str] = mapped_column(String(30), default="")
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_request.id", ondelete="CASCADE")
    )
    happened_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    article = relationship("HelpArticle")


class HelpSearchMiss(db.Model):
    """A search of the help centre that found nothing: what staff should write next."""

    __tablename__ = "help_search_miss"

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(100), index=True)
    searched_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
