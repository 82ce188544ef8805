"""Which request a reply belongs to (issue #10).

A reply is recognised by the Message-IDs it answers (``In-Reply-To`` and ``References``) or
by a request reference in its subject. Message-IDs are matched against:

* emails we sent: :func:`request_reference_from_message_id` reads a reference embedded in
  one of our own Message-IDs (``<Q-2026-000123.reply-7@portal.example>``); Message-IDs the
  outbox derives by hashing its key are matched by the gateway instead;
* emails we received: every inbound message's Message-ID is stored with its request.

Only the request's own contact may add to it by email: anyone can type a reference into a
subject, and a stranger's message must not land on someone else's case (or resume it). Such
a message opens a new request, with a note for staff.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from portal.extensions import db

from .gateway import RequestGateway, RequestHandle
from .models import InboundMessage
from .parse import ParsedMessage

#: A request reference: kind letter, year, six-digit number (``Q-2026-000123``).
REFERENCE = re.compile(r"(?<![A-Za-z0-9])([A-Z]-\d{4}-\d{6})(?!\d)")
_REFERENCE_ANY_CASE = re.compile(REFERENCE.pattern, re.IGNORECASE)


def references_in_subject(subject: str) -> list[str]:
    """The references in a subject line, first first, each once."""
    return list(dict.fromkeys(REFERENCE.findall(subject)))


def request_reference_from_message_id(
    message_id: str, own_domains: Iterable[str] = ()
) -> str | None:
    """The request reference inside one of our own Message-IDs, or None.

    Tolerant on purpose: the reference may sit anywhere in the part before the ``@``, in any
    case, surrounded by anything. When ``own_domains`` is given, only Message-IDs from those
    domains count (someone else's mail program could write anything).
    """
    local, at, domain = message_id.strip().strip("<>").rpartition("@")
    if not at:
        return None
    domains = {d.lower() for d in own_domains if d}
    if domains and domain.lower() not in domains:
        return None
    found = _REFERENCE_ANY_CASE.search(local)
    return found.group(1).upper() if found else None


@dataclass(frozen=True)
class Thread:
    request: RequestHandle
    how: str  # for staff: "its subject mentions Q-2026-000123"


def _earlier_inbound(message_id: str) -> int | None:
    return db.session.scalar(
        select(InboundMessage.request_id)
        .where(InboundMessage.message_id == message_id, InboundMessage.request_id.is_not(None))
        .limit(1)
    )


def _candidates(parsed: ParsedMessage, gateway: RequestGateway, own_domains: Iterable[str]):
    """Requests the message points at, most precise first, with how it points at them."""
    for mid in parsed.replied_to:
        reference = request_reference_from_message_id(mid, own_domains)
        if reference:
            yield gateway.find_by_reference(reference), f"it replies to our email about {reference}"
        yield gateway.find_by_outbound_message_id(mid), "it replies to an email we sent"
        request_id = _earlier_inbound(mid)
        if request_id is not None:
            yield gateway.get(request_id), "it follows an earlier email of theirs"
    for reference in references_in_subject(parsed.subject):
        yield gateway.find_by_reference(reference), f"its subject mentions {reference}"


def find_thread(
    parsed: ParsedMessage, gateway: RequestGateway, own_domains: Iterable[str] = ()
) -> tuple[Thread | None, list[str]]:
    """The request this message continues, if any, and notes for staff about requests it
    pointed at but may not join (another person's request)."""
    notes: list[str] = []
    refused: set[int] = set()
    for handle, how in _candidates(parsed, gateway, own_domains):
        if handle is None or handle.id in refused:
            continue
        if handle.contact_email.strip().lower() == parsed.sender_email.lower():
            return Thread(handle, how), notes
        refused.add(handle.id)
        notes.append(
            f"This email points at {handle.reference} ({how}), but it came from a different "
            "address than that request's, so it was not added to it."
        )
    return None, notes
