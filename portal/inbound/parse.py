"""Reading one raw email: who sent it, what it says, what it replies to (issue #10).

Everything in an email is what the sender chose to write, so nothing here trusts it: text is
decoded leniently and cleaned of control characters, HTML is turned into plain text, the
Message-ID is only a key (a hash of the bytes when there is none), and a message whose
sender or structure cannot be read raises :class:`UnreadableMessage` with the reason staff
will see beside it in the "Needs attention" folder.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email import errors as email_errors
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from .htmltext import html_to_text

MAX_BODY_CHARS = 100_000
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_ADDRESS = re.compile(r"[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_FATAL_DEFECTS = (
    email_errors.NoBoundaryInMultipartDefect,
    email_errors.StartBoundaryNotFoundDefect,
    email_errors.MultipartInvariantViolationDefect,
)
_BOUNCE_SENDERS = {"mailer-daemon", "postmaster"}
_BULK_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}


class UnreadableMessage(Exception):
    """A message that cannot become a request; ``reason`` is written for staff."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RawAttachment:
    """A file as it arrived, before the checks in :mod:`.attachments`."""

    filename: str | None
    claimed_type: str
    data: bytes


@dataclass(frozen=True)
class ParsedMessage:
    message_key: str
    message_id: str | None
    sender_name: str
    sender_email: str
    subject: str
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    received_at: datetime
    body: str
    body_from_html: bool
    attachments: tuple[RawAttachment, ...]
    automatic: str | None  # why the message counts as automatic mail, or None
    # The receiving servers' verdicts, top first (see .trust), and every address it was
    # delivered to (a plus-address of ours carries a request's reply token).
    authentication_results: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()

    @property
    def replied_to(self) -> tuple[str, ...]:
        """Message-IDs this message answers, nearest first (In-Reply-To, then References
        from the newest back)."""
        seen: dict[str, None] = {}
        for mid in (*self.in_reply_to, *reversed(self.references)):
            seen.setdefault(mid, None)
        return tuple(seen)


def clean_text(value: str, limit: int | None = None) -> str:
    """Text safe to store and show: Unix line ends, no control characters (PostgreSQL
    refuses NUL), trimmed to ``limit``."""
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return value[:limit] if limit else value


def _one_line(value: str, limit: int) -> str:
    return re.sub(r"\s+", " ", clean_text(value.replace("\n", " "))).strip()[:limit]


def message_ids(value: str | None) -> tuple[str, ...]:
    """Every ``<id>`` in a Message-ID, In-Reply-To or References header, in order."""
    return tuple(_MESSAGE_ID.findall(value or ""))


def message_key(raw: bytes, message_id: str | None) -> str:
    """The key that makes each message be taken once: its Message-ID, or a hash.

    Mail without a Message-ID is rare but legal; two deliveries of it carry the same bytes,
    so the SHA-256 of the raw message identifies it. A Message-ID too long for the column is
    hashed too.
    """
    if message_id and len(message_id) <= 250:
        return message_id
    source = message_id.encode() if message_id else raw
    return "sha256:" + hashlib.sha256(source).hexdigest()


def key_of_raw(raw: bytes) -> tuple[str, str | None]:
    """(message key, Message-ID) for bytes that may not parse as an email at all."""
    try:
        headers = BytesParser(policy=policy.compat32).parsebytes(raw, headersonly=True)
        found = message_ids(str(headers.get("Message-ID", "")))
    except Exception:  # noqa: BLE001 - any bytes at all must still get a key
        found = ()
    message_id = found[0] if found else None
    if message_id and len(message_id) > 250:
        message_id = None
    return message_key(raw, found[0] if found else None), message_id


def automatic_reason(msg: EmailMessage, sender_email: str) -> str | None:
    """Why ``msg`` is mail sent by a program rather than a person, or None (RFC 3834).

    Auto-replies, bounces, mailing lists and bulk mail are never acknowledged: answering
    a robot is how mail loops start.
    """
    auto = str(msg.get("Auto-Submitted", "")).split(";")[0].strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = str(msg.get("Precedence", "")).strip().lower()
    if precedence in _BULK_PRECEDENCE:
        return f"Precedence: {precedence}"
    if msg.get("List-Id") is not None:
        return "mailing list (List-Id)"
    for header in ("X-Autoreply", "X-Autorespond"):
        if msg.get(header) is not None:
            return f"automatic reply ({header})"
    suppress = str(msg.get("X-Auto-Response-Suppress", "")).lower()
    if any(word in suppress for word in ("all", "oof", "autoreply")):
        return "sender asks for no automatic replies (X-Auto-Response-Suppress)"
    if sender_email.split("@")[0].lower() in _BOUNCE_SENDERS:
        return "bounce (sent by the mail system)"
    return_path = msg.get_all("Return-Path") or []
    if any(str(value).strip() == "<>" for value in return_path):
        return "bounce (empty Return-Path)"
    if msg.get_content_type() == "multipart/report":
        return "delivery report"
    return None


def _leaves(part: EmailMessage):
    """The non-multipart parts, in order, without descending into attached messages."""
    if part.get_content_maintype() == "multipart":
        for sub in part.iter_parts():
            yield from _leaves(sub)
    else:
        yield part


def _is_attachment(part: EmailMessage) -> bool:
    if part.get_content_disposition() == "attachment":
        return True
    return part.get_content_type() not in ("text/plain", "text/html")


def _decoded_text(part: EmailMessage) -> str:
    try:
        text = part.get_content()
    except (LookupError, UnicodeError, ValueError):  # unknown or lying charset
        text = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    return text if isinstance(text, str) else ""


def _attachment_bytes(part: EmailMessage) -> bytes:
    data = part.get_payload(decode=True)
    if data is None:  # an attached message/rfc822: keep its bytes for the size and type
        try:
            data = part.as_bytes()
        except Exception:  # noqa: BLE001 - it is refused anyway; its size is a guess
            data = b""
    return data


def _sender(msg: EmailMessage) -> tuple[str, str]:
    header = msg.get("From")
    if header is None:
        raise UnreadableMessage("It has no From line, so we cannot tell who sent it.")
    addresses = getattr(header, "addresses", ())
    for address in addresses:
        email = (address.addr_spec or "").strip()
        if _ADDRESS.fullmatch(email) and len(email) <= 254:
            return _one_line(address.display_name or "", 200), email
    found = _ADDRESS.search(str(header))
    if found and len(found.group()) <= 254:
        return "", found.group()
    raise UnreadableMessage(
        "We could not read a sender's email address from its From line "
        f"({_one_line(str(header), 120)!r})."
    )


_RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")


def _recipients(msg: EmailMessage) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for name in _RECIPIENT_HEADERS:
        for value in msg.get_all(name) or []:
            for address in _ADDRESS.findall(str(value))[:50]:
                found.setdefault(address.lower(), None)
    return tuple(found)


def parse_message(raw: bytes, received_at: datetime) -> ParsedMessage:
    """Read a raw RFC 5322 message received at ``received_at`` (its IMAP INTERNALDATE).

    Raises :class:`UnreadableMessage` when it has no usable sender or its parts cannot be
    separated; everything else is read as far as it goes.
    """
    if received_at.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    if not raw.strip():
        raise UnreadableMessage("The message is empty.")
    key, message_id = key_of_raw(raw)
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
        if not msg.keys():
            raise UnreadableMessage("It has no header lines, so it is not an email we can read.")
        sender_name, sender_email = _sender(msg)
        fatal = [d for part in msg.walk() for d in part.defects if isinstance(d, _FATAL_DEFECTS)]
        if fatal:
            raise UnreadableMessage(
                "Its parts could not be separated (the message structure is broken: "
                f"{type(fatal[0]).__name__})."
            )
        subject = _one_line(str(msg.get("Subject", "")), 200)
        in_reply_to = message_ids(str(msg.get("In-Reply-To", "")))
        references = message_ids(str(msg.get("References", "")))[-50:]
        plain: list[str] = []
        html: list[str] = []
        attachments: list[RawAttachment] = []
        for part in _leaves(msg):
            if _is_attachment(part):
                attachments.append(
                    RawAttachment(
                        part.get_filename(), part.get_content_type(), _attachment_bytes(part)
                    )
                )
            elif part.get_content_type() == "text/plain":
                plain.append(_decoded_text(part))
            else:
                html.append(_decoded_text(part))
        automatic = automatic_reason(msg, sender_email)
        authentication_results = tuple(
            clean_text(str(v), 2000) for v in msg.get_all("Authentication-Results") or []
        )
        recipients = _recipients(msg)
    except UnreadableMessage:
        raise
    except Exception as exc:  # noqa: BLE001 - the email library on hostile input
        detail = f"{type(exc).__name__}: {_one_line(str(exc), 120)}"
        raise UnreadableMessage(f"The email library could not read it ({detail}).") from exc
    from_html = not any(p.strip() for p in plain) and bool(html)
    body = "\n\n".join(html_to_text(h) for h in html) if from_html else "\n\n".join(plain)
    body = clean_text(body).strip()
    if len(body) > MAX_BODY_CHARS:
        body = body[:MAX_BODY_CHARS] + "\n\n[The rest of this email was too long to show here.]"
    return ParsedMessage(
        message_key=key,
        message_id=message_id,
        sender_name=sender_name,
        sender_email=sender_email,
        subject=subject,
        in_reply_to=in_reply_to,
        references=references,
        received_at=received_at,
        body=body,
        body_from_html=from_html,
        attachments=tuple(attachments),
        automatic=automatic,
        authentication_results=authentication_results,
        recipients=recipients,
    )
