"""Tables behind the security controls."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from portal.database import utcnow
from portal.extensions import db


class LoginAttempt(db.Model):
    """Failed sign-in attempts counted per key (an account or an address), for throttling.

    The key is a hash of what it counts (``account:<email>`` or ``address:<ip>``), so the
    table holds no email address or IP address in the clear. Used only when no Redis is
    configured; with ``REDIS_URL`` set the counters live in Redis instead.
    """

    __tablename__ = "login_attempt"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    first_failed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_failed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
