"""Which request a reply belongs to (issues #10 and #14).

A reply joins a request only by a token of ours that nobody can guess:

* the request's own reply address (``help+r123.<HMAC>@portal.example``), which every email
  about a request gives as its Reply-To (:func:`portal.notify.services.reply_address`);
* the Message-ID of an email we sent about it, named in ``In-Reply-To`` or ``References``
  (an HMAC of the outbox key, :func:`portal.notify.services.message_id_for`).

And only when the receiving server verified the sender (:mod:`.trust`) and the sender is the
request's own contact. A reference (``Q-2026-000123``) in a subject or in someone else's
Message-ID is a number anyone can type or guess: it opens a new request, with a note for staff
naming the request it points at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from portal.notify.services import request_id_for_reply_address

from .gateway import RequestGateway, RequestHandle
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


def _candidates(parsed: ParsedMessage, gateway: RequestGateway):
    """Requests the message carries a token of ours for, with how it carries it."""
    for address in parsed.recipients:
        request_id = request_id_for_reply_address(address)
        if request_id is not None:
            yield gateway.get(request_id), "it was sent to that request's reply address"
    for mid in parsed.replied_to:
        yield gateway.find_by_outbound_message_id(mid), "it replies to an email we sent"


def _mentions(parsed: ParsedMessage, own_domains: Iterable[str]) -> list[str]:
    found = [
        r for mid in parsed.replied_to if (r := request_reference_from_message_id(mid, own_domains))
    ]
    return list(dict.fromkeys([*found, *references_in_subject(parsed.subject)]))


def find_thread(
    parsed: ParsedMessage,
    gateway: RequestGateway,
    own_domains: Iterable[str] = (),
    *,
    is_verified: bool = False,
) -> tuple[Thread | None, list[str]]:
    """The request this message continues, if any, and notes for staff about requests it
    pointed at but may not join (unverified sender, another person's request, or only a
    reference)."""
    notes: list[str] = []
    refused: set[int] = set()
    for handle, how in _candidates(parsed, gateway):
        if handle is None or handle.id in refused:
            continue
        refused.add(handle.id)
        if not is_verified:
            notes.append(
                f"This email points at {handle.reference} ({how}), but its sender could not "
                "be verified, so it was not added to it."
            )
        elif handle.contact_email.strip().lower() == parsed.sender_email.lower():
            return Thread(handle, how), notes
        else:
            notes.append(
                f"This email points at {handle.reference} ({how}), but it came from a "
                "different address than that request's, so it was not added to it."
            )
    for reference in _mentions(parsed, own_domains):
        handle = gateway.find_by_reference(reference)
        if handle is not None and handle.id not in refused:
            notes.append(
                f"This email mentions {reference}, but it carries no reply address or "
                "Message-ID of ours, so it was not added to it."
            )
    return None, notes
