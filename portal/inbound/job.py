"""The scheduled job that reads the mailboxes (issue #10; docs/INBOUND.md).

Unlike other jobs this one commits once per message rather than once per run, and says so
on purpose: each email is its own unit of work. The database records a message (and its
request) first, and only after that commit is the message moved out of the folder. A crash
between the two leaves the message in the folder, where the next run finds it already
recorded and just moves it; a crash before the commit leaves no trace and it is read again.
Either way it is taken exactly once, and one poisoned message never rolls back the others.
"""

from __future__ import annotations

import imaplib
import logging
from collections import Counter
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from portal.database import utcnow
from portal.extensions import db

from .gateway import RequestGateway, get_gateway
from .imap import Fetched, ImapError, ImapMailbox
from .mailboxes import Mailbox, load_mailboxes
from .models import InboundMessage, InboundStatus
from .parse import UnreadableMessage, key_of_raw, parse_message
from .services import record_set_aside, take_message

log = logging.getLogger("portal.inbound")

#: A message recorded but still in the folder this long after is one whose worker stopped
#: before moving it; until then the worker that recorded it is assumed to be moving it.
RECLAIM_AFTER = timedelta(minutes=2)

# What the run summary calls each result, in the order it lists them.
LABELS = {
    "taken": "new requests",
    "threaded": "replies",
    "ignored": "ignored",
    "set_aside": "set aside",
    "duplicate": "already taken",
    "busy": "being taken by another worker",
    "retry": "left for the next run",
}


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB"


def handle_fetched(
    fetched: Fetched,
    box: Mailbox,
    gateway: RequestGateway,
    *,
    now: datetime,
    mailboxes: list[Mailbox],
    uid_validity: int | None,
) -> tuple[str, str | None]:
    """Record one fetched message and commit. Returns (result, folder to move it to), the
    folder being None when the message must stay for the next run."""
    if fetched.raw is not None:
        key, message_id = key_of_raw(fetched.raw)
    else:
        # Too big to download: the header's Message-ID (or a hash of header and size) is the
        # key, and staff deal with it in their mail program.
        key, message_id = key_of_raw(fetched.header + f"\nsize:{fetched.size}".encode())
    earlier = db.session.scalar(select(InboundMessage).where(InboundMessage.message_key == key))
    if earlier is not None:
        same_copy = (earlier.mailbox, earlier.uid_validity, earlier.uid) == (
            box.name,
            uid_validity,
            fetched.uid,
        )
        if same_copy and earlier.created_at > now - RECLAIM_AFTER:
            # Another worker recorded this very message moments ago and is moving it. Two
            # MOVEs of one message at once leave two copies in the folder, so leave it be.
            return "busy", None
        # A second copy of a message we have, or one an earlier run recorded but never
        # moved (it stopped in between): file it with the first.
        attention = earlier.status == InboundStatus.SET_ASIDE
        return "duplicate", box.attention_folder if attention else box.processed_folder
    where = {"mailbox": box, "uid": fetched.uid, "uid_validity": uid_validity, "now": now}
    try:
        if fetched.raw is None:
            raise UnreadableMessage(
                f"It is too large to read here ({_size(fetched.size)}; the limit is "
                f"{_size(current_app.config['INBOUND_MAX_MESSAGE_BYTES'])})."
            )
        parsed = parse_message(fetched.raw, fetched.received_at)
    except UnreadableMessage as exc:
        return _set_aside(key, message_id, fetched, exc.reason, where)
    try:
        outcome = take_message(parsed, gateway=gateway, mailboxes=mailboxes, **where)
        db.session.commit()  # one commit per message: a bad one never loses the others
    except IntegrityError as exc:
        db.session.rollback()
        if _recorded(key):
            return "busy", None  # another worker recorded it first; it moves it
        failure: Exception = exc  # some other constraint, in the requests area
    except OperationalError:
        # The database is unavailable or busy: nothing was recorded, so try again later.
        db.session.rollback()
        log.warning("inbound %s uid %s: database unavailable; left for the next run",
                    box.name, fetched.uid, exc_info=True)  # fmt: skip
        return "retry", None
    except Exception as exc:
        db.session.rollback()
        failure = exc
    else:
        return outcome.status, box.processed_folder
    # A bug or a refusal for this one message: set it aside for staff rather than retrying
    # it every few minutes for ever.
    log.error("inbound %s uid %s could not be taken", box.name, fetched.uid, exc_info=failure)
    reason = (
        f"It could not be made into a request ({type(failure).__name__}); please log it by hand."
    )
    return _set_aside(key, message_id, fetched, reason, where)


def _recorded(key: str) -> bool:
    return (
        db.session.scalar(select(InboundMessage.id).where(InboundMessage.message_key == key))
        is not None
    )


def _set_aside(key, message_id, fetched: Fetched, reason: str, where: dict) -> tuple[str, str]:
    try:
        record_set_aside(
            message_key=key,
            message_id=message_id,
            received_at=fetched.received_at,
            header_bytes=fetched.header,
            reason=reason,
            **where,
        )
        db.session.commit()  # the set-aside record, before the message is moved
    except IntegrityError:
        db.session.rollback()
        return "busy", None
    return "set_aside", where["mailbox"].attention_folder


def poll_mailbox(
    box: Mailbox,
    gateway: RequestGateway,
    *,
    now: datetime | None = None,
    mailboxes: list[Mailbox] | None = None,
) -> Counter:
    """Read every message in one mailbox's folder (up to ``INBOUND_BATCH``)."""
    config = current_app.config
    counts: Counter = Counter()
    with ImapMailbox.open(box, timeout=config["INBOUND_TIMEOUT"]) as imap:
        imap.ensure_folder(box.processed_folder)
        imap.ensure_folder(box.attention_folder)
        imap.select(box.folder)
        for uid in imap.uids()[: config["INBOUND_BATCH"]]:
            fetched = imap.fetch(uid, config["INBOUND_MAX_MESSAGE_BYTES"])
            if fetched is None:
                continue  # another worker moved it meanwhile
            result, folder = handle_fetched(
                fetched,
                box,
                gateway,
                now=now or utcnow(),
                mailboxes=mailboxes or [box],
                uid_validity=imap.uid_validity,
            )
            counts[result] += 1
            if folder is not None:
                imap.move(uid, folder)
    return counts


def poll_mailboxes(now: datetime | None = None, gateway: RequestGateway | None = None) -> str:
    """Job: turn new email in every configured mailbox into requests; returns a summary.

    A mailbox that cannot be reached is reported and skipped, so one broken mailbox does not
    stop the others; its messages wait on the server for the next run.
    """
    boxes = load_mailboxes(current_app.config)  # a ConfigError fails the job loudly
    if not boxes:
        return "no inbound mailboxes configured"
    gateway = gateway or get_gateway()
    if gateway is None:
        return "inbound email is not connected to requests (no gateway); mailboxes left as they are"
    parts = []
    for box in boxes:
        try:
            counts = poll_mailbox(box, gateway, now=now, mailboxes=boxes)
        except (ImapError, imaplib.IMAP4.error, OSError) as exc:  # OSError: socket, TLS
            db.session.rollback()
            log.warning("inbound mailbox %s could not be read: %s", box.name, exc)
            parts.append(f"{box.name}: could not be read ({exc})")
            continue
        summary = ", ".join(f"{counts[k]} {label}" for k, label in LABELS.items() if counts[k])
        parts.append(f"{box.name}: {summary or 'nothing new'}")
    return "; ".join(parts)
