"""Tables behind the charter's administrator settings (CHARTER.md sections 1 and 4)."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.database import utcnow
from portal.extensions import db


class CalendarDay(db.Model):
    """A date the calendar treats differently from the bank-holiday list.

    ``closure``: the organisation is closed (a working day becomes non-working).
    ``holiday-added``: a bank holiday missing from the maintained list (a one-off).
    ``holiday-removed``: a listed bank holiday the office works after all.
    """

    __tablename__ = "calendar_day"
    __table_args__ = (
        CheckConstraint("kind IN ('closure', 'holiday-added', 'holiday-removed')", name="kind"),
        UniqueConstraint("day", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OfficeSettings(db.Model):
    """The single row of office settings (absent until an admin first changes one)."""

    __tablename__ = "office_settings"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    office_open: Mapped[time] = mapped_column(default=time(9, 0))
    office_close: Mapped[time] = mapped_column(default=time(17, 0))
    same_day_cutoff: Mapped[time] = mapped_column(default=time(16, 0))
    at_risk_hours: Mapped[int] = mapped_column(default=4)
    update_every_days: Mapped[int] = mapped_column(default=5)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PolicyVersion(db.Model):
    """One version of the promise targets. A change never edits a row: it adds one, and
    each case keeps the id of the version it was promised under."""

    __tablename__ = "policy_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    targets: Mapped[dict] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )


class ContactDetails(db.Model):
    """The single row of the organisation's published contact details: the phone number,
    email address and postal address every page's footer gives (absent until an admin saves
    them; the footer then shows only the link to the contact form)."""

    __tablename__ = "contact_details"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    postal_address: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class MembershipSettings(db.Model):
    """The single row of membership settings (absent until an administrator saves one):
    which payment providers are on, the grace period after a renewal date, and for each
    grade its subscription, criteria and the evidence an application needs."""

    __tablename__ = "membership_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("grace_days >= 0 AND grace_days <= 180", name="grace_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    enabled_providers: Mapped[list] = mapped_column(JSON, default=list)
    grace_days: Mapped[int] = mapped_column(default=30)
    # {"member": {"fee_pence": 9500, "criteria": "...", "evidence": ["CV", ...]}, ...}
    grades: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseClockSettings(db.Model):
    """The single row of the case clock's settings (issue #16; absent until an admin first
    changes one): chasing and closing while we wait for the customer, the reopen window,
    and when staff are warned before a promise is missed."""

    __tablename__ = "case_clock_settings"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    #: Working days of waiting for the customer before we remind them.
    chase_after_days: Mapped[int] = mapped_column(default=5)
    #: Working days of waiting before the case closes (after the reminder).
    close_after_days: Mapped[int] = mapped_column(default=10)
    #: Working days after resolving or closing in which a reply reopens the case.
    reopen_within_days: Mapped[int] = mapped_column(default=10)
    #: Office minutes before a due instant at which staff are warned, largest first.
    escalate_minutes: Mapped[str] = mapped_column(String(60), default="240,60")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
