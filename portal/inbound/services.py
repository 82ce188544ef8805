"""Turning one parsed email into a request, a reply or a note (issue #10).

These functions flush and never commit: the job commits each message on its own, so the
``inbound_message`` row and the request it opens are written together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.parser import BytesParser
from email.utils import parseaddr

from flask import current_app
from sqlalchemy import func, select

from portal.charter import clock_start
from portal.extensions import db
from portal.notify.services import queue_email
from portal.settings.services import get_calendar

from .attachments import Attachment, check_attachment
from .gateway import CreatedRequest, RequestGateway
from .mailboxes import Mailbox
from .models import InboundMessage, InboundStatus
from .parse import ParsedMessage, clean_text
from .threads import find_thread
from .trust import sender_verdict, trusted_ids

ACK_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class AckDecision:
    send: bool
    reason: str


def acknowledgement_decision(
    *, automatic: str | None, recent_acknowledgements: int, limit: int
) -> AckDecision:
    """Whether to acknowledge a new emailed request (issue #10: no mail loops).

    A person gets one acknowledgement with their reference and promised date. Never a
    program (an auto-reply answering our acknowledgement would answer back, and so on), and
    never more than ``limit`` in an hour to one address: past that, whatever is writing is
    not a person reading our replies. (Mail from our own addresses never gets this far.)
    """
    if automatic:
        return AckDecision(False, f"the email was sent automatically ({automatic})")
    if recent_acknowledgements >= limit:
        return AckDecision(
            False,
            f"this address was already sent {recent_acknowledgements} acknowledgements in "
            "the last hour",
        )
    return AckDecision(True, "")


def recent_acknowledgements(sender_email: str, now: datetime) -> int:
    """How many acknowledgements ``sender_email`` was sent in the hour before ``now``."""
    return db.session.scalar(
        select(func.count(InboundMessage.id)).where(
            InboundMessage.sender_email == sender_email.lower(),
            InboundMessage.is_acknowledged.is_(True),
            InboundMessage.created_at > now - ACK_WINDOW,
        )
    )


def own_addresses(mailboxes: Iterable[Mailbox]) -> set[str]:
    """Addresses that are us: the sender of our outbox and every mailbox we read."""
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or ""
    if isinstance(sender, tuple):
        sender = sender[1]
    found = {parseaddr(sender)[1].lower()}
    found.update(box.username.lower() for box in mailboxes if "@" in box.username)
    return {a for a in found if a}


def own_domains() -> set[str]:
    """Domains our own Message-IDs are written under."""
    configured = current_app.config.get("INBOUND_OWN_DOMAINS") or ""
    domains = {d.strip().lower() for d in configured.split(",") if d.strip()}
    if not domains:
        domains = {a.rpartition("@")[2] for a in own_addresses(())}
    return domains


def queue_acknowledgement_email(
    *,
    key: str,
    to: str,
    name: str,
    request: CreatedRequest,
    subject: str,
    clock_reason: str | None,
    request_id: int | None = None,
) -> None:
    """The acknowledgement a new emailed request gets (CHARTER §2 and §6: the reference,
    the promised date, and why the clock started later than the email arrived, if it did).

    Neither their subject nor the name on their email is repeated back: someone forging a
    victim's address would otherwise have us deliver their words to the victim."""
    queue_email(
        key,
        to,
        f"We have your email: {request.reference}",
        "inbound_acknowledgement",
        headers={"Auto-Submitted": "auto-replied"},
        request_id=request_id,
        reference=request.reference,
        due_explanation=request.due_explanation,
        clock_reason=clock_reason,
    )


@dataclass(frozen=True)
class Outcome:
    status: str
    request_id: int | None = None
    reference: str | None = None
    acknowledged: bool = False


def _check_attachments(parsed: ParsedMessage) -> tuple[list[Attachment], list[str]]:
    limit = current_app.config.get("INBOUND_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
    kept: list[Attachment] = []
    notes: list[str] = []
    for index, raw in enumerate(parsed.attachments, start=1):
        result = check_attachment(
            raw.filename, raw.claimed_type, raw.data, index=index, max_bytes=limit
        )
        if isinstance(result, Attachment):
            kept.append(result)
        else:
            notes.append(result.note)
    return kept, notes


def take_message(
    parsed: ParsedMessage,
    mailbox: Mailbox,
    gateway: RequestGateway,
    *,
    now: datetime,
    mailboxes: Iterable[Mailbox] = (),
    uid: int | None = None,
    uid_validity: int | None = None,
) -> Outcome:
    """Record ``parsed`` once and make it a new request, a reply on an existing one, or
    nothing (our own mail coming back, or an automatic reply to a request).

    The ``inbound_message`` row is flushed first, so a message another worker has taken
    fails here with an IntegrityError before any request is touched. The clock starts by
    CHARTER §2 from the message's arrival (its INTERNALDATE), not from when we read it.
    """
    row = InboundMessage(
        message_key=parsed.message_key,
        message_id=parsed.message_id,
        mailbox=mailbox.name,
        uid=uid,
        uid_validity=uid_validity,
        received_at=parsed.received_at,
        sender_name=parsed.sender_name,
        sender_email=parsed.sender_email.lower(),
        subject=parsed.subject,
        status=InboundStatus.TAKEN,
        automatic=(parsed.automatic or "")[:100],
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()

    if parsed.sender_email.lower() in own_addresses(mailboxes):
        row.status = InboundStatus.IGNORED
        row.reason = "It came from one of our own addresses, so it was not made a request."
        return Outcome(row.status)

    verdict = sender_verdict(
        parsed.authentication_results,
        parsed.sender_email,
        trusted_ids(current_app.config.get("INBOUND_TRUSTED_AUTHSERV_ID")),
    )
    attachments, notes = _check_attachments(parsed)
    notes.insert(0, verdict.note)  # staff see it on every inbound event (issue #14)
    thread, thread_notes = find_thread(
        parsed, gateway, own_domains(), is_verified=verdict.is_verified
    )
    notes.extend(thread_notes)
    body = parsed.body
    if parsed.body_from_html:
        notes.append("This email had no plain-text version; its HTML was turned into text.")

    if thread is not None:
        row.request_id = thread.request.id
        if parsed.automatic:
            # An out-of-office is not the customer answering: it must not resume a request
            # that is waiting for them.
            row.status = InboundStatus.IGNORED
            notes.append(
                f"An automatic reply ({parsed.automatic}) to {thread.request.reference}; "
                "it was not added to the request."
            )
        else:
            gateway.add_customer_reply(
                request_id=thread.request.id,
                sender_name=parsed.sender_name,
                sender_email=row.sender_email,
                subject=parsed.subject,
                body=body,
                received_at=parsed.received_at,
                attachments=attachments,
                notes=notes,
            )
            row.status = InboundStatus.THREADED
            notes.insert(0, f"Added to {thread.request.reference}: {thread.how}.")
        row.reason = "\n".join(notes)
        return Outcome(row.status, thread.request.id, thread.request.reference)

    start = clock_start(parsed.received_at, get_calendar())
    created = gateway.create_from_email(
        kind=mailbox.kind,
        sender_name=parsed.sender_name,
        sender_email=row.sender_email,
        subject=parsed.subject,
        body=body,
        received_at=parsed.received_at,
        clock_started_at=start.started_at,
        attachments=attachments,
        notes=notes,
        is_sender_verified=verdict.is_verified,
    )
    row.request_id = created.id
    row.clock_started_at = start.started_at
    decision = acknowledgement_decision(
        automatic=parsed.automatic,
        recent_acknowledgements=recent_acknowledgements(row.sender_email, now),
        limit=current_app.config.get("INBOUND_ACK_LIMIT_PER_HOUR", 3),
    )
    if decision.send:
        gateway.queue_acknowledgement(
            key=f"inbound-ack:{row.id}",
            to=row.sender_email,
            name=parsed.sender_name,
            request=created,
            subject=parsed.subject,
            clock_reason=start.reason,
        )
        row.is_acknowledged = True
    else:
        notes.append(f"No acknowledgement was sent: {decision.reason}.")
    row.reason = "\n".join(notes)
    return Outcome(row.status, created.id, created.reference, row.is_acknowledged)


def record_set_aside(
    *,
    message_key: str,
    message_id: str | None,
    mailbox: Mailbox,
    received_at: datetime,
    header_bytes: bytes,
    reason: str,
    now: datetime,
    uid: int | None = None,
    uid_validity: int | None = None,
) -> InboundMessage:
    """Record a message that could not be read, with the reason staff will see, so it is
    set aside once and never retried. Sender and subject are read as far as they go."""
    name, address, subject = "", "", ""
    try:
        headers = BytesParser(policy=policy.compat32).parsebytes(header_bytes, headersonly=True)
        name, address = parseaddr(str(headers.get("From", "")))
        subject = str(headers.get("Subject", ""))
    except Exception:  # noqa: BLE001, S110 - best effort for a message already unreadable
        pass
    row = InboundMessage(
        message_key=message_key,
        message_id=message_id,
        mailbox=mailbox.name,
        uid=uid,
        uid_validity=uid_validity,
        received_at=received_at,
        sender_name=clean_text(name, 200).strip(),
        sender_email=clean_text(address, 254).strip().lower() if "@" in address else "",
        subject=" ".join(clean_text(subject).split())[:200],
        status=InboundStatus.SET_ASIDE,
        reason=reason,
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    return row
