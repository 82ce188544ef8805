"""Tables the staff console owns."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.database import in_values, utcnow
from portal.extensions import db
from portal.requests.models import Kind


class ReusableReply(db.Model):
    """A reply staff start from for a kind of request; they edit it before sending."""

    __tablename__ = "reusable_reply"
    __table_args__ = (CheckConstraint(f"kind IN ({in_values(Kind)})", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ReusableReply {self.id} {self.kind} {self.title!r}>"
