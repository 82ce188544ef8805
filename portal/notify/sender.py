"""Delivering the outbox over SMTP: claim, send, mark, with retries and a crash guarantee.

The life of a message (docs/NOTIFICATIONS.md states the guarantee in full):

1. **claim**: a sender moves up to a batch of due messages from ``pending`` (or from
   ``sending`` whose lease has run out) to ``sending``, sets ``lease_expires_at`` and adds one
   to ``attempts``, then commits. On PostgreSQL the candidates are chosen with
   ``SELECT ... FOR UPDATE SKIP LOCKED`` so concurrent senders take disjoint batches; on
   both databases the update re-checks the status, so a row two senders raced for goes to
   one of them only.
2. **send**: each message goes over one SMTP connection per batch, with a connect and a read
   timeout, and a ``Message-ID`` derived from its outbox key.
3. **mark**: straight after the server accepts it, the message is marked ``sent`` and that is
   committed (one commit per message keeps the window in step 5 to one message).
4. A temporary refusal (4xx) puts it back to ``pending`` with exponential backoff; a
   permanent one (5xx) or too many attempts marks it ``failed`` and runs the failure hooks.
   When the server cannot be reached at all (refused, timed out, hung up, or 421 "closing
   connection") the run stops there: the message in flight, if any, keeps its attempt and
   backs off, and every untried message goes back to ``pending`` with its attempt handed
   back, so an outage of any length burns no attempts. The outage is recorded in
   ``mail_server_state`` for the admin pages (notify.services.mail_outage).
5. If the sender dies between 2 and 3, the message stays ``sending`` until its lease runs out,
   and is then sent again with the same Message-ID: delivery is at least once, and a
   duplicate is possible only for a message in flight at the moment of the crash.
"""

from __future__ import annotations

import base64
import logging
import smtplib
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy

from flask import current_app
from flask_mail import Attachment, Connection, Message
from sqlalchemy import and_, or_, select, text, update

from portal.database import utcnow
from portal.extensions import db
from portal.notify.models import OutboxMessage, OutboxStatus
from portal.notify.services import (
    message_failed,
    message_id_for,
    note_mail_server_reachable,
    note_mail_server_unreachable,
)
from portal.security.logs import redact

log = logging.getLogger("portal.mail")

# Added to the longest a message in flight can take (``_lease_margin``) for clock differences
# between senders' machines.
LEASE_MARGIN_SECONDS = 5


class TimeoutConnection(Connection):
    """Flask-Mail's connection with timeouts: Flask-Mail 0.10 opens ``smtplib.SMTP`` with
    none, so a server that accepts the connection and then says nothing would hang the
    sender for ever."""

    def __init__(self, connect_timeout: float, read_timeout: float) -> None:
        super().__init__(current_app.extensions["mail"])
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout

    def configure_host(self) -> smtplib.SMTP:
        m = self.mail
        smtp_class = smtplib.SMTP_SSL if m.use_ssl else smtplib.SMTP
        host = smtp_class(m.server, m.port, timeout=self.connect_timeout)
        if host.sock is not None:
            host.sock.settimeout(self.read_timeout)
        host.set_debuglevel(int(m.debug))
        if m.use_tls:
            host.starttls()
        if m.username and m.password:
            host.login(m.username, m.password)
        return host

    def close_quietly(self) -> None:
        """QUIT if we can; a connection that already broke is simply dropped."""
        if self.host is None:
            return
        try:
            self.host.quit()
        except (smtplib.SMTPException, OSError):
            self.host.close()
        self.host = None


@dataclass
class SendReport:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0  # tried, refused for now, will be tried again after a backoff
    failed: int = 0
    untried: int = 0  # handed back without an attempt used (server unreachable, lease end)
    connection_failed: bool = False

    def add(self, other: SendReport) -> None:
        self.claimed += other.claimed
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.untried += other.untried
        self.connection_failed = self.connection_failed or other.connection_failed

    def __str__(self) -> str:
        text = (
            f"claimed {self.claimed}, sent {self.sent}, "
            f"retrying {self.retrying}, failed {self.failed}, untried {self.untried}"
        )
        return text + (" (mail server unreachable)" if self.connection_failed else "")


class _ConnectionLost(Exception):
    """The mail server cannot be reached, or hung up; the rest of the batch waits, untried,
    for the next run."""


def _setting(name: str):
    return current_app.config[name]


def _due(now: datetime):
    return or_(
        and_(
            OutboxMessage.status == OutboxStatus.PENDING.value,
            OutboxMessage.next_attempt_at <= now,
        ),
        and_(
            OutboxMessage.status == OutboxStatus.SENDING.value,
            OutboxMessage.lease_expires_at <= now,
        ),
    )


def claim_batch(now: datetime, limit: int, lease_seconds: float) -> list[int]:
    """Take up to ``limit`` due messages for this sender and commit the claim.

    Returns their ids, oldest first. See the module docstring for why this is safe with
    several senders.
    """
    candidates = (
        select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.id).limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        # Chosen once, in a materialised CTE: as "WHERE id IN (subquery)" PostgreSQL may run
        # the LIMIT ... SKIP LOCKED subquery more than once and claim more than ``limit``.
        chosen = candidates.with_for_update(skip_locked=True).cte("chosen")
        chosen = chosen.prefix_with("MATERIALIZED")
    else:
        chosen = candidates.cte("chosen")
    claimed = db.session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id == chosen.c.id, _due(now))
        .values(
            status=OutboxStatus.SENDING.value,
            lease_expires_at=now + timedelta(seconds=lease_seconds),
            attempts=OutboxMessage.attempts + 1,
        )
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()  # claim is visible to other senders at once
    return sorted(claimed)


# CRLF line endings, and lines up to RFC 5322's hard limit of 998 characters, so a long
# List-Unsubscribe URL is not folded into a value with a leading space. compat32 serialises
# about twice as fast as Flask-Mail's policy.SMTP, whose header re-parsing was most of the
# sender's time per message; Flask-Mail has already encoded the headers that may hold
# non-ASCII text (subject, addresses).
_WIRE_POLICY = policy.compat32.clone(linesep="\r\n", max_line_length=998)


class WireMessage(Message):
    """Flask-Mail's message, serialised with a faster policy that still writes CRLF."""

    def as_bytes(self) -> bytes:
        mime = self._message()
        mime.policy = _WIRE_POLICY
        return mime.as_bytes(policy=_WIRE_POLICY)


def build_message(message: OutboxMessage) -> Message:
    """The Flask-Mail message for an outbox row."""
    built = WireMessage(
        subject=message.subject,
        recipients=[message.to_address],
        body=message.body_text,
        html=message.body_html or None,
        extra_headers=dict(message.headers or {}) or None,
        attachments=[
            Attachment(
                filename=item["filename"],
                content_type=item["content_type"],
                data=base64.b64decode(item["data"]),
            )
            for item in (message.attachments or [])
        ],
    )
    built.msgId = message.message_id or message_id_for(message.key)
    return built


def _backoff(attempts: int) -> timedelta:
    base = _setting("MAIL_RETRY_BASE_SECONDS")
    cap = _setting("MAIL_RETRY_MAX_SECONDS")
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [
            f"{address}: {code} {reply.decode(errors='replace')}"
            for address, (code, reply) in exc.recipients.items()
        ]
        return "Recipient refused: " + "; ".join(parts)
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = exc.smtp_error
        if isinstance(reply, bytes):
            reply = reply.decode(errors="replace")
        return f"{type(exc).__name__}: {exc.smtp_code} {reply}"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "Timed out talking to the mail server"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _smtp_code(exc: BaseException) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _reply in exc.recipients.values()]
        return max(codes) if codes else None
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code
    return None


def _mark_sent(message: OutboxMessage) -> None:
    # Once it has gone, the copy we keep must not work as a key (issue #14): the links
    # carrying a token (reset, verify, private request links, unsubscribe) are blanked.
    message.body_text = redact(message.body_text or "")
    message.body_html = redact(message.body_html or "")
    message.headers = {name: redact(value) for name, value in (message.headers or {}).items()}
    message.status = OutboxStatus.SENT.value
    message.sent_at = utcnow()
    message.lease_expires_at = None
    message.last_error = ""
    db.session.commit()  # one commit per sent message (module docstring, step 3)


def _mark_failed(message: OutboxMessage, error: str) -> None:
    message.status = OutboxStatus.FAILED.value
    message.last_error = error[:2000]
    message.lease_expires_at = None
    message_failed(message)
    log.warning("mail %s to %s failed: %s", message.key, message.to_address, error)


def _mark_temporary(message: OutboxMessage, error: str, now: datetime) -> bool:
    """Back to pending with backoff; failed once it has had its attempts. True if retrying."""
    if message.attempts >= _setting("MAIL_MAX_ATTEMPTS"):
        _mark_failed(message, f"Gave up after {message.attempts} attempts. {error}")
        return False
    message.status = OutboxStatus.PENDING.value
    message.last_error = error[:2000]
    message.lease_expires_at = None
    message.next_attempt_at = now + _backoff(message.attempts)
    return True


def _release(message: OutboxMessage) -> None:
    """Hand back a claimed message that was not attempted, without using up an attempt."""
    message.status = OutboxStatus.PENDING.value
    message.attempts = max(message.attempts - 1, 0)
    message.lease_expires_at = None


def _lease_margin(lease_seconds: float) -> float:
    """How long before its lease runs out a batch stops starting messages: long enough for the
    one in flight to finish (four SMTP replies of up to ``MAIL_TIMEOUT`` each), so none is
    still being sent when another sender may take it over; at most half the lease, so a
    short lease still sends something (125 s of the default 300 s)."""
    in_flight = 4 * _setting("MAIL_TIMEOUT") + LEASE_MARGIN_SECONDS
    return min(in_flight, lease_seconds / 2)


def _try_one(message: OutboxMessage, connection, now: datetime, report: SendReport) -> None:
    """Send one claimed message and record its outcome (steps 2 to 4). Raises _ConnectionLost
    when the server cannot take any more, after recording this message's attempt."""
    try:
        connection.send(build_message(message))
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as exc:
        code = _smtp_code(exc)
        if code is not None and 400 <= code < 500:
            if _mark_temporary(message, _error_text(exc), now):
                report.retrying += 1
            else:
                report.failed += 1
            if code == 421:  # the server is closing the connection: nothing more can go
                raise _ConnectionLost(_error_text(exc)) from exc
        else:
            _mark_failed(message, _error_text(exc))
            report.failed += 1
    except (smtplib.SMTPException, OSError) as exc:
        # The connection is gone mid-message; whether it arrived is unknown, so it keeps its
        # attempt and is retried (at least once). The rest of the batch waits, untried.
        if _mark_temporary(message, _error_text(exc), now):
            report.retrying += 1
        else:
            report.failed += 1
        raise _ConnectionLost(_error_text(exc)) from exc
    except Exception as exc:  # a message that cannot be built will never send
        _mark_failed(message, f"Could not build the message: {exc}")
        report.failed += 1
    else:
        _mark_sent(message)
        report.sent += 1
        return
    db.session.commit()  # each message's outcome is its own commit


def deliver_batch(ids: list[int], now: datetime, lease_seconds: float) -> SendReport:
    """Send the claimed messages over one SMTP connection (steps 2 to 4)."""
    report = SendReport(claimed=len(ids))
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)
    ).all()
    deadline = time.monotonic() + lease_seconds - _lease_margin(lease_seconds)
    connection = TimeoutConnection(
        _setting("MAIL_CONNECT_TIMEOUT"), _setting("MAIL_TIMEOUT")
    )
    # The claimed rows are this sender's while its lease runs, so what it holds in memory
    # stays true across its own commits; not expiring them saves a reload per message.
    session = db.session()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        # "Sent" marks do not wait for the disk: if this sender dies the server still has
        # each commit; only a crash of PostgreSQL itself in the next moment could lose one,
        # and that message is then sent again with the same Message-ID
        # (docs/NOTIFICATIONS.md). Waiting for a flush per message would cap the sender at
        # the disk's sync rate. Reset below, before the connection goes back to the pool.
        session.execute(text("SET synchronous_commit TO OFF"))
    try:
        try:
            connection.host = connection.configure_host()
        except (smtplib.SMTPException, OSError) as exc:
            raise _ConnectionLost(_error_text(exc)) from exc
        note_mail_server_reachable(utcnow())
        db.session.commit()  # the outage, if any, is over for every process at once
        for message in messages:
            if time.monotonic() > deadline:
                break  # the rest are handed back below, untried
            if message.attempts > _setting("MAIL_MAX_ATTEMPTS"):
                # Only a sender that died mid-send leaves a message to come back this often.
                _mark_failed(message, f"Gave up after {message.attempts - 1} attempts.")
                report.failed += 1
                db.session.commit()  # each message's outcome is its own commit
                continue
            _try_one(message, connection, now, report)
    except _ConnectionLost as lost:
        note_mail_server_unreachable(str(lost), utcnow())
        report.connection_failed = True
    finally:
        connection.close_quietly()
        session.expire_on_commit = expire_on_commit
        if postgres:
            session.execute(text("RESET synchronous_commit"))
    for message in messages:
        if message.status == OutboxStatus.SENDING.value:
            _release(message)
            report.untried += 1
    db.session.commit()  # the released and retried rows, and the server's state
    return report


def send_pending(now: datetime | None = None, max_batches: int | None = None) -> SendReport:
    """Send every due message, a batch at a time, until none is left or the server is down.

    Does nothing without ``MAIL_SERVER``: mail then stays in the outbox, where admins read it
    in the development mailbox. ``MAIL_SERVER`` alone decides: Flask-Mail's
    ``MAIL_SUPPRESS_SEND`` (on whenever TESTING is) is not consulted, so tests that point
    ``MAIL_SERVER`` at a loopback server get real SMTP.
    """
    report = SendReport()
    if not current_app.config["MAIL_SERVER"]:
        return report
    start = now or utcnow()
    started = time.monotonic()
    batch_size = _setting("MAIL_BATCH_SIZE")
    lease = _setting("MAIL_SEND_LEASE_SECONDS")
    batches = 0
    while max_batches is None or batches < max_batches:
        # The clock moves on with the run: each batch's lease runs from when it is claimed.
        # Reading it once for the whole run gave later batches of a long run leases that had
        # already run out, for another sender to take and send again.
        now = start + timedelta(seconds=time.monotonic() - started) if batches else start
        ids = claim_batch(now, batch_size, lease)
        if not ids:
            break
        batches += 1
        result = deliver_batch(ids, now, lease)
        report.add(result)
        if result.connection_failed or len(ids) < batch_size:
            break
    return report
