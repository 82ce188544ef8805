"""Exporting and erasing a person's data. The account-level parts live here; other areas
contribute through portal.privacy.registry."""

from __future__ import annotations

import calendar
import io
import json
import zipfile
from datetime import date
from pathlib import Path

from sqlalchemy import delete, or_, select, update

from portal.accounts import sessions
from portal.accounts.models import AuthToken, RecoveryCode, TwoFactor, User, UserSession
from portal.audit.models import AuditEntry
from portal.audit.services import record as audit
from portal.clock import london_today
from portal.database import utcnow
from portal.extensions import db
from portal.privacy.models import ErasureRequest
from portal.privacy.registry import ERASERS, EXPORTERS, ExportPart, register_exporter


class PrivacyError(Exception):
    """A refusal whose message can be shown as it is."""


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


# -- the account's own contributions to the export ---------------------------------------------


@register_exporter("account")
def _export_account(user: User) -> ExportPart:
    from portal.accounts import two_factor

    return ExportPart(
        rows={
            "id": user.id,
            "full_name": user.full_name,
            "email": user.email,
            "role": user.role,
            "job_title": user.job_title,
            "phone": user.phone,
            "organisation": user.organisation.name if user.organisation else None,
            "account_created_at": _iso(user.created_at),
            "email_confirmed_at": _iso(user.email_verified_at),
            "last_signed_in_at": _iso(user.last_sign_in_at),
            "is_enabled": user.is_enabled,
            "two_step_sign_in": two_factor.is_enabled(user),
        }
    )


@register_exporter("membership")
def _export_membership(user: User) -> ExportPart:
    m = user.membership
    if m is None:
        return ExportPart(rows=None)
    return ExportPart(
        rows={
            "membership_number": m.membership_number,
            "grade": m.grade,
            "status": m.status,
            "joined_on": _iso(m.joined_on),
            "renewal_date": _iso(m.renewal_date),
        }
    )


@register_exporter("sessions")
def _export_sessions(user: User) -> ExportPart:
    rows = db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)
    )
    return ExportPart(
        rows=[
            {
                "signed_in_at": _iso(r.created_at),
                "last_used_at": _iso(r.last_seen_at),
                "ended_at": _iso(r.ended_at),
                "ip_address": r.ip_address,
                "browser": r.user_agent,
            }
            for r in rows
        ]
    )


@register_exporter("audit_log")
def _export_audit(user: User) -> ExportPart:
    rows = db.session.scalars(
        select(AuditEntry)
        .where(or_(AuditEntry.subject_user_id == user.id, AuditEntry.actor_id == user.id))
        .order_by(AuditEntry.id)
    )
    return ExportPart(
        rows=[
            {
                "at": _iso(e.at),
                "action": e.action,
                "by_you": e.actor_id == user.id,
                "by_role": e.actor_role,
                "object": f"{e.target_type} {e.target_id}".strip(),
                "ip_address": e.ip_address,
                "summary": e.summary,
                "details": e.details,
            }
            for e in rows
        ]
    )


@register_exporter("erasure_requests")
def _export_erasure_requests(user: User) -> ExportPart:
    rows = db.session.scalars(select(ErasureRequest).where(ErasureRequest.user_id == user.id))
    return ExportPart(
        rows=[
            {
                "requested_at": _iso(r.requested_at),
                "due_on": _iso(r.due_on),
                "status": r.status,
                "completed_at": _iso(r.completed_at),
            }
            for r in rows
        ]
    )


def export_zip(user: User) -> bytes:
    """Everything held about ``user``: data.json plus any files, in one zip."""
    data: dict = {
        "about": "Everything the Member Services Portal holds about you.",
        "exported_at": _iso(utcnow()),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, exporter in EXPORTERS.items():
            part = exporter(user)
            data[name] = part.rows
            for arcname, content in part.files:
                safe = "/".join(p for p in Path(arcname).parts if p not in ("..", "/", ""))
                if isinstance(content, bytes):
                    archive.writestr(f"files/{safe}", content)
                else:
                    archive.write(content, f"files/{safe}")
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
    audit("privacy.export", user, subject=user)
    return buffer.getvalue()


# -- erasure ----------------------------------------------------------------------------------


def one_calendar_month_after(day: date) -> date:
    """The same date next month, or that month's last day when it has no such date
    (31 January -> 28 or 29 February)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def open_request(user: User) -> ErasureRequest | None:
    return db.session.scalar(
        select(ErasureRequest).where(
            ErasureRequest.user_id == user.id, ErasureRequest.status == "open"
        )
    )


def erasure_queue() -> list[ErasureRequest]:
    """Every erasure request for staff: open ones first, soonest due first."""
    return list(db.session.scalars(
        select(ErasureRequest).order_by(ErasureRequest.status, ErasureRequest.due_on)
    ))


def request_erasure(user: User, reason: str = "") -> ErasureRequest:
    """Record a person's request to be erased, due one calendar month from today (London)."""
    if open_request(user) is not None:
        raise PrivacyError("You have already asked us to erase your data.")
    today = london_today()
    row = ErasureRequest(user=user, due_on=one_calendar_month_after(today), reason=reason.strip())
    db.session.add(row)
    db.session.flush()
    audit(
        "privacy.erasure_requested", row, subject=user, details={"due_on": row.due_on.isoformat()}
    )
    return row


def anonymise_user(user: User) -> None:
    """Remove or anonymise ``user``'s personal data; keep what statistics need.

    Every registered area's eraser runs first. The account keeps its id, role, organisation
    and membership grade, status and dates (for counts and reports), loses its name, email,
    phone, job title, membership number, password (unusable), two-step sign-in, tokens and
    sessions, and is disabled. Emails to the old address are deleted. Audit entries keep the
    account's number and the addresses they record (kept for security; see SECURITY.md).
    """
    for eraser in ERASERS.values():
        eraser(user)
    from portal.notify.models import OutboxMessage
    from portal.security import throttle

    old_email = user.email
    sessions.end_all(user, "erased")
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id)
        .values(ip_address="", user_agent="")
    )
    db.session.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(AuthToken).where(AuthToken.user_id == user.id))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.to_address == old_email))
    throttle.clear("account", old_email)
    user.full_name = "Erased person"
    user.email = f"erased-{user.id}@erased.invalid"
    user.phone = ""
    user.job_title = ""
    user.password_hash = "!erased"  # noqa: S105 - not a hash: no password can match it
    user.is_enabled = False
    if user.membership is not None:
        user.membership.membership_number = None
    db.session.flush()


def carry_out_erasure(row: ErasureRequest, staff: User) -> None:
    """Staff carry out an open erasure request."""
    if row.status != "open":
        raise PrivacyError("This request has already been dealt with.")
    anonymise_user(row.user)
    row.status = "done"
    row.completed_at = utcnow()
    row.completed_by = staff
    audit("privacy.erasure_carried_out", row, subject=row.user, actor=staff)


def overdue(row: ErasureRequest) -> bool:
    return row.status == "open" and london_today() > row.due_on
