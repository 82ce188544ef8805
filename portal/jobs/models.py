"""The scheduler's lease: which worker process is the active one (docs/NOTIFICATIONS.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class WorkerLease(db.Model):
    """A named lease a worker holds by renewing it before ``expires_at``.

    Used on databases without advisory locks (SQLite); on PostgreSQL the active worker holds
    ``pg_try_advisory_lock`` instead, which the server releases the moment its connection ends.
    """

    __tablename__ = "worker_lease"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime]
    expires_at: Mapped[datetime]
