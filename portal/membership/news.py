"""News email: opt-in by topic, one-click unsubscribe (RFC 8058), sent to opted-in members.

Service email (about a member's requests and membership) always goes; news about events,
support and content goes only to members who chose that topic, as the charter's promise to
keep members up to date is an offer, not an obligation to read. Every news email carries a
signed unsubscribe link and the ``List-Unsubscribe`` / ``List-Unsubscribe-Post`` headers, so
mail programs can offer a one-click unsubscribe that needs no sign-in.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, func, select

from portal.accounts.models import User
from portal.database import utcnow
from portal.extensions import db
from portal.notify.models import NEWS_TOPIC_LABELS, NewsItem, NewsSubscription, NewsTopic
from portal.notify.services import insert_outbox_rows, outbox_row, render_email
from portal.urls import external_url

_SALT = "news-unsubscribe"
BATCH_SIZE = 1000


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def unsubscribe_token(user_id: int, topic: str) -> str:
    """A signed token naming one member and one topic; it does not expire, because an
    unsubscribe link in an old email must still work."""
    return _serializer().dumps([user_id, topic])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """The member id and topic a token names, or None if it was not signed by us."""
    try:
        user_id, topic = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or topic not in set(NewsTopic):
        return None
    return user_id, topic


def find_unsubscribe(token: str) -> tuple[int, str, str] | None:
    """The member id, topic and the topic in words that an unsubscribe link names, or None
    when the link was not signed by us or its member no longer exists."""
    found = read_unsubscribe_token(token)
    if found is None or db.session.get(User, found[0]) is None:
        return None
    user_id, topic = found
    return user_id, topic, NEWS_TOPIC_LABELS[NewsTopic(topic)]


def unsubscribe_url(user_id: int, topic: str) -> str:
    return external_url("visitor.unsubscribe", token=unsubscribe_token(user_id, topic))


def subscribed_topics(user: User) -> set[str]:
    return set(
        db.session.scalars(
            select(NewsSubscription.topic).where(NewsSubscription.user_id == user.id)
        )
    )


def set_news_topics(user: User, topics: Iterable[str]) -> None:
    """Make ``user``'s opt-ins exactly ``topics`` (from the preferences page)."""
    wanted = {NewsTopic(topic).value for topic in topics}
    current = subscribed_topics(user)
    for topic in wanted - current:
        db.session.add(NewsSubscription(user_id=user.id, topic=topic))
    if current - wanted:
        db.session.execute(
            delete(NewsSubscription).where(
                NewsSubscription.user_id == user.id,
                NewsSubscription.topic.in_(current - wanted),
            )
        )
    db.session.flush()


def unsubscribe(user_id: int, topic: str) -> bool:
    """Stop news on ``topic`` for the member; True if they had been subscribed."""
    removed = db.session.execute(
        delete(NewsSubscription).where(
            NewsSubscription.user_id == user_id, NewsSubscription.topic == topic
        )
    ).rowcount
    db.session.flush()
    return bool(removed)


def subscriber_counts() -> dict[str, int]:
    counts = dict(
        db.session.execute(
            select(NewsSubscription.topic, func.count(NewsSubscription.id))
            .join(User, User.id == NewsSubscription.user_id)
            .where(User.is_enabled.is_(True))
            .group_by(NewsSubscription.topic)
        ).all()
    )
    return {topic.value: counts.get(topic.value, 0) for topic in NewsTopic}


def send_news(topic: str, subject: str, body: str, author: User | None = None) -> NewsItem:
    """Queue a news email to every enabled member opted in to ``topic``.

    Each copy is an outbox row keyed ``news:<item id>:<user id>``, with that member's own
    unsubscribe link; rows go in batches, so a large list is one query and a few inserts.
    """
    topic = NewsTopic(topic).value
    item = NewsItem(
        topic=topic,
        subject=subject.strip(),
        body=body.replace("\r\n", "\n").strip(),
        created_by_id=author.id if author else None,
    )
    db.session.add(item)
    db.session.flush()
    recipients = db.session.execute(
        select(User.id, User.email, User.full_name)
        .join(NewsSubscription, NewsSubscription.user_id == User.id)
        .where(NewsSubscription.topic == topic, User.is_enabled.is_(True))
        .order_by(User.id)
    ).all()
    preferences_url = external_url("member.preferences")
    label = NEWS_TOPIC_LABELS[NewsTopic(topic)]
    queued_at = utcnow()
    queued = 0
    for start in range(0, len(recipients), BATCH_SIZE):
        rows = []
        for user_id, email, full_name in recipients[start : start + BATCH_SIZE]:
            link = unsubscribe_url(user_id, topic)
            text, html = render_email(
                "news",
                item.subject,
                first_name=full_name.split(" ", 1)[0],
                body=item.body,
                topic_label=label,
                unsubscribe_url=link,
                preferences_url=preferences_url,
            )
            rows.append(
                outbox_row(
                    key=f"news:{item.id}:{user_id}",
                    to=email,
                    subject=item.subject,
                    body_text=text,
                    body_html=html,
                    headers={
                        "List-Unsubscribe": f"<{link}>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    },
                    queued_at=queued_at,
                )
            )
        queued += insert_outbox_rows(rows)
    item.recipient_count = queued
    db.session.flush()
    return item


def recent_news(limit: int = 10) -> list[NewsItem]:
    """The news emails sent most recently, newest first."""
    return list(db.session.scalars(select(NewsItem).order_by(NewsItem.id.desc()).limit(limit)))
