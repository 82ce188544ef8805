"""The outbox, and members' choices about news email."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.database import utcnow
from portal.extensions import db


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a sender until lease_expires_at
    SENT = "sent"
    FAILED = "failed"  # permanent failure or too many attempts; an admin may retry it


OUTBOX_STATUSES = tuple(s.value for s in OutboxStatus)


class OutboxMessage(db.Model):
    """One email to one recipient.

    ``key`` is unique: it names the event the email is about (for example
    ``renewal:<membership id>:<renewal date>``), so the same email cannot be queued twice,
    and the ``Message-ID`` header is derived from it, so a receiver can recognise a copy
    re-sent after a crash (docs/NOTIFICATIONS.md).

    ``attachments`` is a list of ``{"filename", "content_type", "data"}`` with base64 data;
    ``headers`` holds extra headers such as ``List-Unsubscribe``. ``request_id`` names the
    customer request the email is about, so a failure can be noted on it.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed')", name="status"
        ),
        Index("ix_outbox_message_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_request.id", ondelete="SET NULL"), index=True
    )
    # Derived from the key (see notify.services.message_id_for) and kept, so a customer's
    # emailed reply can be threaded back to its request by In-Reply-To / References.
    message_id: Mapped[str | None] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # While status is 'sending': after this instant another sender may take the message over.
    lease_expires_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]

    @property
    def is_failed(self) -> bool:
        return self.status == OutboxStatus.FAILED.value

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.key!r} {self.status}>"


class NewsTopic(StrEnum):
    EVENTS = "events"
    SUPPORT = "support"
    CONTENT = "content"


NEWS_TOPIC_LABELS = {
    NewsTopic.EVENTS: "Events",
    NewsTopic.SUPPORT: "Support and advice",
    NewsTopic.CONTENT: "New articles and resources",
}

NEWS_TOPIC_HINTS = {
    NewsTopic.EVENTS: "Conferences, webinars and local meetings.",
    NewsTopic.SUPPORT: "Changes to how we support members, and tips for using our services.",
    NewsTopic.CONTENT: "New guidance, articles and learning resources.",
}

_TOPICS_SQL = ", ".join(f"'{t.value}'" for t in NewsTopic)


class NewsSubscription(db.Model):
    """A member's opt-in to news on one topic; no row means no news on that topic."""

    __tablename__ = "news_subscription"
    __table_args__ = (
        CheckConstraint(f"topic IN ({_TOPICS_SQL})", name="topic"),
        UniqueConstraint("user_id", "topic"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NewsItem(db.Model):
    """One news email as an administrator wrote it; each recipient's copy is in the outbox."""

    __tablename__ = "news_item"
    __table_args__ = (CheckConstraint(f"topic IN ({_TOPICS_SQL})", name="topic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    recipient_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MailServerState(db.Model):
    """Whether the sender can reach the mail server: one row, written by the sender.

    Kept in the database, not in a process, so every web process and every sender sees the
    same outage, and it survives a restart. ``unreachable_since`` is empty while the server
    answers.
    """

    __tablename__ = "mail_server_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    unreachable_since: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_failed_at: Mapped[datetime | None]
    last_reached_at: Mapped[datetime | None]
