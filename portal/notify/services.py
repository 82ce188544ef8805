"""Queueing email. Nothing here talks to a mail server: the worker's sender does that.

Every email is written to the outbox in the transaction of the change that causes it, so
an email is never sent about something that was rolled back, and none is lost while mail
is down (docs/NOTIFICATIONS.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr

from flask import current_app, render_template
from sqlalchemy import func, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import IntegrityError

from portal.database import utcnow
from portal.extensions import db
from portal.notify.models import MailServerState, OutboxMessage, OutboxStatus

mail_log = logging.getLogger("portal.mail")


def attachment(filename: str, content_type: str, data: bytes | str) -> dict:
    """An attachment as the outbox stores it (JSON-safe, data in base64)."""
    if isinstance(data, str):
        data = data.encode()
    return {
        "filename": filename,
        "content_type": content_type,
        "data": base64.b64encode(data).decode("ascii"),
    }


def render_email(template: str, subject: str, **context) -> tuple[str, str]:
    """The plain-text and HTML bodies from ``templates/email/<template>.txt`` and ``.html``."""
    text = render_template(f"email/{template}.txt", subject=subject, **context)
    html = render_template(f"email/{template}.html", subject=subject, **context)
    return text, html


def queue_email(
    key: str,
    to: str,
    subject: str,
    template: str,
    *,
    attachments: Iterable[dict] | None = None,
    headers: dict[str, str] | None = None,
    request_id: int | None = None,
    **context,
) -> OutboxMessage:
    """Write an email to the outbox in the current transaction.

    Renders ``templates/email/<template>.txt`` and ``.html`` with ``context``. If a message
    with this key already exists it is returned unchanged: the key is what makes "exactly
    once" hold. ``attachments`` are dicts from :func:`attachment`; ``headers`` are extra
    headers (for example ``List-Unsubscribe``); ``request_id`` ties the email to a customer
    request, so a delivery failure can be noted on it.
    """
    existing = db.session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
    if existing is not None:
        return existing
    body_text, body_html = render_email(template, subject, **context)
    message = OutboxMessage(
        key=key,
        to_address=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        attachments=list(attachments or []),
        headers=_with_reply_to(_with_auto_submitted(headers), request_id),
        request_id=request_id,
        message_id=message_id_for(key),
    )
    db.session.add(message)
    db.session.flush()
    return message


def outbox_row(
    *,
    key: str,
    to: str,
    subject: str,
    body_text: str,
    body_html: str,
    attachments: list[dict] | None = None,
    headers: dict[str, str] | None = None,
    request_id: int | None = None,
    queued_at=None,
) -> dict:
    """One outbox row as plain values, for :func:`insert_outbox_rows` (bulk jobs)."""
    queued_at = queued_at or utcnow()
    return {
        "key": key,
        "to_address": to,
        "subject": subject,
        "body_text": body_text,
        "body_html": body_html,
        "attachments": attachments or [],
        "headers": _with_reply_to(_with_auto_submitted(headers), request_id),
        "request_id": request_id,
        "message_id": message_id_for(key),
        "status": OutboxStatus.PENDING.value,
        "attempts": 0,
        "last_error": "",
        "created_at": queued_at,
        "next_attempt_at": queued_at,
    }


def insert_outbox_rows(rows: list[dict]) -> int:
    """Insert many outbox rows (from :func:`outbox_row`), skipping keys already queued.

    For jobs that queue thousands of emails. On PostgreSQL the rows are streamed with ``COPY``
    into a temporary table and moved with one ``INSERT ... SELECT ... ON CONFLICT DO
    NOTHING`` (several times faster than multi-row ``INSERT`` for rows of a few kilobytes);
    elsewhere one multi-row insert per call. Either way a key queued before, or by a run
    overlapping this one, is skipped, which keeps "once per key". Returns how many were new.
    """
    if not rows:
        return 0
    table = OutboxMessage.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        return _copy_outbox_rows(rows)
    stmt = sqlite.insert(table).on_conflict_do_nothing(index_elements=["key"])
    return len(db.session.execute(stmt.returning(table.c.id), rows).all())


_JSON_COLUMNS = ("attachments", "headers")


def _copy_outbox_rows(rows: list[dict]) -> int:
    columns = list(rows[0])
    names = ", ".join(columns)
    # The session's own connection, so the rows are part of the job's one transaction.
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS outbox_stage "
            "(LIKE outbox_message INCLUDING DEFAULTS) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE outbox_stage")
        with cursor.copy(f"COPY outbox_stage ({names}) FROM STDIN") as copy:  # noqa: S608
            for row in rows:
                copy.write_row(
                    [json.dumps(row[c]) if c in _JSON_COLUMNS else row[c] for c in columns]
                )
        cursor.execute(
            f"INSERT INTO outbox_message ({names}) SELECT {names} FROM outbox_stage "  # noqa: S608
            "ON CONFLICT (key) DO NOTHING"
        )
        return cursor.rowcount


def _with_auto_submitted(headers: dict[str, str] | None) -> dict[str, str]:
    """Every email the portal sends is machine-made: say so (RFC 3834), so auto-responders
    do not answer it and no loop starts; an acknowledgement may say ``auto-replied``."""
    result = dict(headers or {})
    result.setdefault("Auto-Submitted", "auto-generated")
    return result


def _with_reply_to(headers: dict[str, str], request_id: int | None) -> dict[str, str]:
    """An email about a request asks for replies at that request's own plus-address, so a
    reply finds its request by a token only we can make (issue #14), not by its reference."""
    if request_id is not None:
        headers.setdefault("Reply-To", reply_address(request_id))
    return headers


def _mac(purpose: str, value: str, length: int) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()[:length]


def _sender_address() -> str:
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    if isinstance(sender, tuple):
        sender = sender[1]
    return parseaddr(sender)[1]


_REPLY_TAG = re.compile(r"r(\d{1,12})\.([0-9a-f]{24})")


def reply_address(request_id: int) -> str:
    """``help+r123.<24 hex>@portal.example``: the address replies about request 123 go to.

    The tag is an HMAC of the request's id under the secret key: it cannot be guessed from
    the reference, and it is checked without a database row. Our mail server must deliver
    plus-addresses to the mailbox the inbound job reads (``REPLY_TO_ADDRESS``, or the
    sender's address)."""
    base = current_app.config.get("REPLY_TO_ADDRESS") or _sender_address()
    local, _, domain = base.rpartition("@")
    tag = f"r{request_id}.{_mac('reply', str(request_id), 24)}"
    return f"{local.partition('+')[0]}+{tag}@{domain}"


def request_id_for_reply_address(address: str) -> int | None:
    """The request whose reply address this is, or None if its tag is not one of ours."""
    tag = address.strip().lower().rpartition("@")[0].partition("+")[2]
    found = _REPLY_TAG.fullmatch(tag)
    if found is None:
        return None
    expected = _mac("reply", found.group(1), 24)
    return int(found.group(1)) if hmac.compare_digest(found.group(2), expected) else None


def request_id_for_message_id(message_id: str) -> int | None:
    """The request an email we sent was about, from its Message-ID (for inbound threading)."""
    return db.session.scalar(
        select(OutboxMessage.request_id)
        .where(OutboxMessage.message_id == message_id.strip(), OutboxMessage.request_id.isnot(None))
        .limit(1)
    )


def message_id_for(key: str) -> str:
    """A ``Message-ID`` that depends only on the outbox key (and the secret key).

    A copy re-sent after a crash (see the sender) carries the same Message-ID as the first,
    so mail systems and people can tell it is the same message. It is an HMAC, not a plain
    hash of the key: a reply naming it threads to the request (issue #14), so nobody may
    work it out from a guessable key such as ``inbound-ack:12``.
    """
    domain = _sender_address().rpartition("@")[2] or "portal.invalid"
    return f"<{_mac('message-id', key, 40)}@{domain}>"


BODY_PURGED = "[This email's text was removed after the retention period.]"


def purge_sent_bodies(now) -> str:
    """Remove the text of emails sent more than ``OUTBOX_BODY_RETENTION_DAYS`` ago (issue
    #14): who was sent what, and when, stays; what it said, and any link in it, goes.
    Idempotent: a body already removed is not touched again."""
    from datetime import timedelta

    from sqlalchemy import update

    days = int(current_app.config.get("OUTBOX_BODY_RETENTION_DAYS", 30))
    done = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.SENT.value,
            OutboxMessage.sent_at < now - timedelta(days=days),
            OutboxMessage.body_text != BODY_PURGED,
        )
        .values(body_text=BODY_PURGED, body_html="", attachments=[])
        .execution_options(synchronize_session=False)
    ).rowcount
    return f"removed the text of {done} emails sent over {days} days ago"


def retry_message(message: OutboxMessage) -> bool:
    """Put a failed message back in the queue for the sender's next run (admin action).

    Its attempts start again from nought; the last error stays visible until it is sent.
    Returns False (and changes nothing) if the message had not failed.
    """
    if message.status != OutboxStatus.FAILED.value:
        return False
    message.status = OutboxStatus.PENDING.value
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.lease_expires_at = None
    db.session.flush()
    return True


# -- what happens when a message fails for good -------------------------------------------

FailureHook = Callable[[OutboxMessage], None]
_failure_hooks: list[FailureHook] = []


def on_message_failed(hook: FailureHook) -> FailureHook:
    """Register ``hook(message)`` to run when a message is marked failed for good.

    The requests area registers one that adds an internal note to ``message.request_id``.
    Hooks run in the sender's transaction, so what they add is committed with the failure;
    they should add rows and not commit. Usable as a decorator.
    """
    if hook not in _failure_hooks:
        _failure_hooks.append(hook)
    return hook


def remove_failure_hook(hook: FailureHook) -> None:
    if hook in _failure_hooks:
        _failure_hooks.remove(hook)


def message_failed(message: OutboxMessage) -> None:
    """Tell every registered hook that ``message`` failed; a broken hook is logged, not fatal,
    because the failure itself must still be recorded."""
    for hook in list(_failure_hooks):
        try:
            hook(message)
        except Exception:
            current_app.logger.exception("failure hook %r raised for %s", hook, message.key)


def outbox_counts() -> dict[str, int]:
    """How many outbox messages are in each status (the administrator's dashboard)."""
    return dict(
        db.session.execute(
            select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(
                OutboxMessage.status
            )
        ).all()
    )


def outbox_page(status: str, page: int, page_size: int) -> tuple[list[OutboxMessage], int]:
    """One page of the outbox, newest first, optionally of one status; and how many in all.
    The development mailbox, and where failed deliveries are retried (docs/NOTIFICATIONS.md)."""
    query = select(OutboxMessage)
    count = select(func.count(OutboxMessage.id))
    if status:
        query = query.where(OutboxMessage.status == status)
        count = count.where(OutboxMessage.status == status)
    messages = db.session.scalars(
        query.order_by(OutboxMessage.id.desc()).limit(page_size).offset((page - 1) * page_size)
    ).all()
    return list(messages), db.session.scalar(count) or 0


# -- whether the mail server can be reached -----------------------------------------------


@dataclass(frozen=True)
class MailOutage:
    since: datetime
    waiting: int  # emails pending or being sent
    last_error: str


def _mail_server_state() -> MailServerState:
    state = db.session.get(MailServerState, 1)
    if state is None:
        try:
            with db.session.begin_nested():
                state = MailServerState(id=1, last_error="")
                db.session.add(state)
        except IntegrityError:  # another sender wrote it first
            state = db.session.get(MailServerState, 1, populate_existing=True)
    return state


def note_mail_server_unreachable(error: str, now: datetime) -> None:
    """The sender could not reach the mail server (or it hung up): start or extend the outage
    administrators and staff are shown. The sender commits."""
    state = _mail_server_state()
    if state.unreachable_since is None:
        state.unreachable_since = now
        mail_log.warning("mail server unreachable: %s", error)
    state.last_error = error[:2000]
    state.last_failed_at = now


def note_mail_server_reachable(now: datetime) -> None:
    """The mail server answered: any outage is over. The sender commits."""
    state = _mail_server_state()
    if state.unreachable_since is not None:
        mail_log.warning(
            "mail server reachable again (unreachable since %s)", state.unreachable_since
        )
        state.unreachable_since = None
    state.last_reached_at = now


def mail_outage() -> MailOutage | None:
    """The current outage, if the sender last found the mail server unreachable."""
    state = db.session.get(MailServerState, 1)
    if state is None or state.unreachable_since is None:
        return None
    waiting = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.status.in_((OutboxStatus.PENDING.value, OutboxStatus.SENDING.value))
        )
    )
    return MailOutage(state.unreachable_since, waiting or 0, state.last_error)
