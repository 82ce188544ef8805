"""Tables behind the public performance page: frozen months, their corrections, and notes.

A published month is never edited. A correction is a new row with the whole corrected set of
figures, its reason and its date; the page shows the newest, and lists every one.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import utcnow
from portal.extensions import db


class PublishedMonth(db.Model):
    """One calendar month's figures as published on its first working day after it ended."""

    __tablename__ = "published_month"
    __table_args__ = (CheckConstraint("schema_version >= 1", name="schema_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The first day of the month (London dates).
    month: Mapped[date] = mapped_column(unique=True)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    schema_version: Mapped[int] = mapped_column(default=1)
    figures: Mapped[dict] = mapped_column(JSON)

    corrections: Mapped[list[PublishedCorrection]] = relationship(
        back_populates="published", order_by="PublishedCorrection.id"
    )

    def __repr__(self) -> str:
        return f"<PublishedMonth {self.month:%Y-%m}>"


class PublishedCorrection(db.Model):
    """A correction to a published month: the corrected figures in full, why, and when."""

    __tablename__ = "published_correction"

    id: Mapped[int] = mapped_column(primary_key=True)
    published_id: Mapped[int] = mapped_column(
        ForeignKey("published_month.id", ondelete="RESTRICT"), index=True
    )
    made_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(String(500))
    figures: Mapped[dict] = mapped_column(JSON)
    made_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    published: Mapped[PublishedMonth] = relationship(back_populates="corrections")


class MonthNote(db.Model):
    """A "You said, we did" note staff attach to a month: what customers told us, what we
    changed because of it. Shown beside that month's figures."""

    __tablename__ = "month_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(index=True)
    you_said: Mapped[str] = mapped_column(String(400))
    we_did: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
