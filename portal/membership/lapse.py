"""Grace and lapse (CHARTER.md section 9, "Renewal dates move by years, not from today").

When a renewal date passes unpaid, the member gets one more reminder and a grace period
(a setting, 30 days by default). When that ends too, the membership lapses, the member is
told, and the dashboard offers "Rejoin" instead of "Renew". Each email is keyed by the
membership and the renewal date, so the daily job never sends one twice, and a renewal
(which moves the date) arms them afresh. Staff may change a renewal date, with a reason
that the audit log keeps; the reminder for the new date is then armed by the same key.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from portal.accounts.models import Membership, MemberStatus, Role, User
from portal.audit.services import ACTIONS, record_view
from portal.audit.services import record as audit
from portal.charter import LONDON
from portal.database import utcnow
from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.notify.services import queue_email
from portal.settings.membership import grace_days
from portal.urls import external_url

ACTIONS.update(
    {
        "membership.lapsed": "Membership lapsed after the grace period",
        "membership.renewal_date_changed": "Renewal date changed by staff",
    }
)


def grace_key(membership_id: int, renewal_date: date) -> str:
    return f"grace:{membership_id}:{renewal_date.isoformat()}"


def lapsed_key(membership_id: int, renewal_date: date) -> str:
    return f"lapsed:{membership_id}:{renewal_date.isoformat()}"


def grace_and_lapse(now: datetime) -> str:
    """Job: the one reminder after a missed renewal date, then lapse after the grace period."""
    reminded, lapsed = run_grace_and_lapse(now)
    return f"{reminded} grace reminders, {lapsed} memberships lapsed"


def _overdue(today: date) -> list[tuple[Membership, User]]:
    return list(
        db.session.execute(
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.status == MemberStatus.ACTIVE.value,
                Membership.renewal_date < today,
            )
            .order_by(Membership.id)
        ).tuples()
    )


def run_grace_and_lapse(now: datetime | None = None) -> tuple[int, int]:
    """Send due grace reminders and lapse memberships past their grace; idempotent."""
    today = (now or utcnow()).astimezone(LONDON).date()
    grace = grace_days()
    reminded = lapsed = 0
    for membership, user in _overdue(today):
        ends = membership.renewal_date + timedelta(days=grace)
        if ends < today:
            _lapse(membership, user)
            lapsed += 1
        elif user.is_enabled:
            key = grace_key(membership.id, membership.renewal_date)
            if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)):
                continue
            queue_email(
                key,
                user.email,
                "Your membership renewal date has passed",
                "renewal_grace",
                first_name=user.first_name,
                membership=membership,
                grace_ends=ends,
                renew_url=external_url("member.renew"),
            )
            reminded += 1
    db.session.flush()
    return reminded, lapsed


def _lapse(membership: Membership, user: User) -> None:
    membership.status = MemberStatus.LAPSED.value
    audit(
        "membership.lapsed",
        membership,
        subject=user,
        actor=None,
        details={"renewal_date": membership.renewal_date.isoformat()},
    )
    queue_email(
        lapsed_key(membership.id, membership.renewal_date),
        user.email,
        "Your membership has lapsed",
        "membership_lapsed",
        first_name=user.first_name,
        membership=membership,
        rejoin_url=external_url("member.renew"),
    )


def member_for_staff(user_id: int) -> User | None:
    """A member whose renewal date staff are looking at (the look is recorded)."""
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.MEMBER.value or user.membership is None:
        return None
    record_view(user, user.membership, "renewal date")
    return user


def change_renewal_date(member: User, new_date: date, reason: str, staff: User) -> None:
    """Staff move a renewal date. A lapsed membership whose new date is still ahead becomes
    active again. The reminders are keyed by date, so the new date's are armed."""
    membership = member.membership
    old = membership.renewal_date
    membership.renewal_date = new_date
    today = utcnow().astimezone(LONDON).date()
    if (
        membership.status == MemberStatus.LAPSED.value
        and new_date + timedelta(days=grace_days()) >= today
    ):
        membership.status = MemberStatus.ACTIVE.value
    db.session.flush()
    audit(
        "membership.renewal_date_changed",
        membership,
        subject=member,
        actor=staff,
        summary=reason[:300],
        details={
            "from": old.isoformat() if old else "",
            "to": new_date.isoformat(),
            "reason": reason[:200],
        },
    )
