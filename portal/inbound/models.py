"""The record of every email read from a mailbox (issue #10)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.database import utcnow
from portal.extensions import db


class InboundStatus(StrEnum):
    TAKEN = "taken"  # opened a new request
    THREADED = "threaded"  # added to an existing request as the customer's reply
    SET_ASIDE = "set_aside"  # unreadable: moved to the staff folder with the reason
    IGNORED = "ignored"  # read, but nothing for a request (an out-of-office, a loop)


class InboundMessage(db.Model):
    """One email taken from a mailbox, exactly once.

    ``message_key`` (the Message-ID, or a SHA-256 of the raw bytes when there is none) is
    unique, and the row is inserted in the same transaction that creates the request or
    the reply: if a worker crashes after that commit the message is recognised on the next
    run, and if two workers read the same message the second insert fails and it skips.
    ``request_id`` names the request the message opened or joined (a foreign key is added
    when the requests area lands).
    """

    __tablename__ = "inbound_message"
    __table_args__ = (
        CheckConstraint("status IN ('taken', 'threaded', 'set_aside', 'ignored')", name="status"),
        # The acknowledgement throttle counts a sender's recent acknowledgements.
        Index("ix_inbound_message_sender_email_created_at", "sender_email", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_key: Mapped[str] = mapped_column(String(255), unique=True)
    message_id: Mapped[str | None] = mapped_column(String(255), index=True)
    mailbox: Mapped[str] = mapped_column(String(100))
    uid_validity: Mapped[int | None] = mapped_column(BigInteger)
    uid: Mapped[int | None] = mapped_column(BigInteger)
    received_at: Mapped[datetime]
    sender_name: Mapped[str] = mapped_column(String(200), default="")
    sender_email: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text, default="")
    automatic: Mapped[str] = mapped_column(String(100), default="")
    clock_started_at: Mapped[datetime | None]
    is_acknowledged: Mapped[bool] = mapped_column(default=False)
    request_id: Mapped[int | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<InboundMessage {self.id} {self.status} {self.message_key[:40]}>"
