"""Jobs that keep staff ahead of the charter (CHARTER.md sections 4, 5 and 7).

Each alert is an outbox row whose key names the request and the due instant it is about,
so a job run twice, or after a crash, alerts nobody twice; a request re-dated to a new due
instant can be alerted about again, because that is a new promise.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.certificates.models import CertificateStatus, Completion
from portal.charter import add_office_seconds
from portal.charter.wording import format_london
from portal.database import utcnow
from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.notify.services import queue_email
from portal.requests.models import OPEN_STATUSES, ServiceRequest, Status
from portal.settings.services import get_calendar, office_settings
from portal.urls import external_url


def _existing_keys(keys: list[str]) -> set[str]:
    if not keys:
        return set()
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(
            db.session.scalars(select(OutboxMessage.key).where(OutboxMessage.key.in_(chunk)))
        )
    return found


def _recipient(request: ServiceRequest) -> tuple[str, str]:
    """The assignee, or the team's shared address while nobody has the request."""
    if request.assignee is not None and request.assignee.is_enabled:
        return request.assignee.email, request.assignee.first_name
    return current_app.config["STAFF_TEAM_EMAIL"], "team"


def charter_watch(now: datetime | None = None) -> str:
    """Alert once when an open request becomes at risk and once when it becomes overdue.

    At risk means fewer than the settable number of office hours are left before what falls
    due next (CHARTER §7); the threshold instant is worked out once in office time, so the
    selection is one indexed range query on ``next_due_at``.
    """
    now = now or utcnow()
    calendar = get_calendar()
    hours = office_settings().at_risk_hours
    threshold = add_office_seconds(now, hours * 3600, calendar)
    candidates = db.session.scalars(
        select(ServiceRequest)
        .options(joinedload(ServiceRequest.assignee))
        .where(
            ServiceRequest.status.in_([s.value for s in OPEN_STATUSES]),
            ServiceRequest.status != Status.WAITING_CUSTOMER.value,
            ServiceRequest.next_due_at.isnot(None),
            ServiceRequest.next_due_at < threshold,
        )
        .order_by(ServiceRequest.next_due_at)
    ).all()
    planned = []
    for request in candidates:
        state = "overdue" if request.next_due_at <= now else "at-risk"
        key = f"watch:{state}:{request.id}:{request.next_due_at.isoformat()}"
        planned.append((key, state, request))
    done = _existing_keys([key for key, _s, _r in planned])
    counts = {"at-risk": 0, "overdue": 0}
    for key, state, request in planned:
        if key in done:
            continue
        to, name = _recipient(request)
        due_words = format_london(request.next_due_at, with_year=True)
        words = "is overdue" if state == "overdue" else "is at risk"
        queue_email(
            key,
            to,
            f"{request.reference} {words}: due {due_words}",
            "staff_charter_alert",
            request_id=request.id,
            request=request,
            name=name,
            state=state,
            due_words=due_words,
            hours=hours,
            link=external_url("staff.request_detail", reference=request.reference),
        )
        counts[state] += 1
    return f"alerted {counts['at-risk']} at risk and {counts['overdue']} overdue"


def regular_updates(now: datetime | None = None) -> str:
    """Remind staff of agreed-timescale requests whose next customer update falls due by the
    end of the next working day (CHARTER §5: an update at least every 5 working days)."""
    now = now or utcnow()
    calendar = get_calendar()
    today = calendar.to_london(now).date()
    horizon = calendar.london_instant(
        calendar.add_working_days(today, 1), calendar.rules.office_close
    )
    due_soon = db.session.scalars(
        select(ServiceRequest)
        .options(joinedload(ServiceRequest.assignee))
        .where(
            ServiceRequest.status.in_([s.value for s in OPEN_STATUSES]),
            ServiceRequest.next_update_due_at.isnot(None),
            ServiceRequest.next_update_due_at <= horizon,
        )
        .order_by(ServiceRequest.next_update_due_at)
    ).all()
    keys = [f"update-due:{r.id}:{r.next_update_due_at.isoformat()}" for r in due_soon]
    done = _existing_keys(keys)
    queued = 0
    for key, request in zip(keys, due_soon, strict=True):
        if key in done:
            continue
        to, name = _recipient(request)
        due_words = format_london(request.next_update_due_at, with_year=True)
        queue_email(
            key,
            to,
            f"Update due on {request.reference} by {due_words}",
            "staff_update_due",
            request_id=request.id,
            request=request,
            name=name,
            due_words=due_words,
            link=external_url("staff.request_detail", reference=request.reference),
        )
        queued += 1
    return f"reminded staff of {queued} updates due"


def certificates(now: datetime | None = None) -> str:
    """A daily digest to the certificates team of certificates not yet posted whose dispatch
    date is within two working days or already past (CHARTER §4: 15 working days)."""
    now = now or utcnow()
    calendar = get_calendar()
    today = calendar.to_london(now).date()
    horizon = calendar.london_instant(
        calendar.add_working_days(today, 2), calendar.rules.office_close
    )
    rows = db.session.scalars(
        select(Completion)
        .options(joinedload(Completion.organisation), joinedload(Completion.qualification))
        .where(
            Completion.status.in_(
                [CertificateStatus.SIGNED_OFF.value, CertificateStatus.PRINTED.value]
            ),
            Completion.dispatch_due_at.isnot(None),
            Completion.dispatch_due_at <= horizon,
        )
        .order_by(Completion.dispatch_due_at, Completion.id)
    ).all()
    if not rows:
        return "no certificates near or past their dispatch date"
    late = [c for c in rows if c.dispatch_due_at < now]
    by_centre: dict[str, list[Completion]] = defaultdict(list)
    for completion in rows:
        by_centre[completion.organisation.name].append(completion)
    queue_email(
        f"certificates-digest:{today.isoformat()}",
        current_app.config["CERTIFICATES_TEAM_EMAIL"],
        f"Certificates to post: {len(late)} overdue, {len(rows) - len(late)} due within two "
        "working days",
        "staff_certificates_digest",
        by_centre=dict(by_centre),
        late_ids={c.id for c in late},
        now=now,
        link=external_url("staff.centre_certificates"),
    )
    return f"digest of {len(rows)} certificates ({len(late)} overdue)"
