"""The narrow door between inbound email and the requests area (issue #10).

Inbound email decides *what* a message is (new, a reply, automatic, unreadable) and when its
clock starts; the requests area owns requests, contacts, attachments and the timeline. The
job talks to requests only through a :class:`RequestGateway`, so either side can change
inside without the other noticing.

The portal finds its gateway in ``app.extensions["inbound_gateway"]`` or, failing that, in
the ``INBOUND_GATEWAY`` setting (``"package.module:factory"``, called with no arguments).
Until one is configured the job leaves every mailbox untouched and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
from typing import Protocol, runtime_checkable

from flask import current_app

from config import ConfigError

from .attachments import Attachment


@dataclass(frozen=True)
class RequestHandle:
    """Enough of an existing request to decide whether a message belongs to it."""

    id: int
    reference: str
    contact_email: str  # the customer's address; only they can add to it by email


@dataclass(frozen=True)
class CreatedRequest:
    """What the requests area made of a new email."""

    id: int
    reference: str
    due_explanation: str  # "We will reply by 5pm on Thursday 3 December."


@runtime_checkable
class RequestGateway(Protocol):
    """What inbound email needs from the requests area. Implementations flush, never commit:
    the job commits each message's row and its request together (STYLE.md)."""

    def get(self, request_id: int) -> RequestHandle | None:
        """The request with this id, or None."""

    def find_by_reference(self, reference: str) -> RequestHandle | None:
        """The request with this reference (``Q-2026-000123``), or None."""

    def find_by_outbound_message_id(self, message_id: str) -> RequestHandle | None:
        """The request an email we sent was about, from that email's Message-ID, or None.

        The outbox derives each Message-ID from its key (a hash, so it cannot be read
        back): the requests/notify side matches it against the messages it sent.
        """

    def create_from_email(
        self,
        *,
        kind: str,
        sender_name: str,
        sender_email: str,
        subject: str,
        body: str,
        received_at: datetime,
        clock_started_at: datetime,
        attachments: Sequence[Attachment],
        notes: Sequence[str],
        is_sender_verified: bool = False,
    ) -> CreatedRequest:
        """Open a request on the ``email`` channel for the sender (matched to an existing
        person by address only when ``is_sender_verified``, otherwise recorded as a new
        contact marked "sender not verified" for staff, issue #14). ``received_at`` is the message's
        arrival; ``clock_started_at`` is the CHARTER §2 start computed from it. ``notes`` are
        for staff (attachments not kept, threading decisions)."""

    def add_customer_reply(
        self,
        *,
        request_id: int,
        sender_name: str,
        sender_email: str,
        subject: str,
        body: str,
        received_at: datetime,
        attachments: Sequence[Attachment],
        notes: Sequence[str],
    ) -> None:
        """Add the customer's emailed reply to the request's timeline (resuming it if it was
        waiting for the customer, CHARTER §5)."""

    def queue_acknowledgement(
        self,
        *,
        key: str,
        to: str,
        name: str,
        request: CreatedRequest,
        subject: str,
        clock_reason: str | None,
    ) -> None:
        """Write the one acknowledgement to the outbox (key makes it exactly once).
        :func:`portal.inbound.services.queue_acknowledgement_email` does this with the
        ``inbound_acknowledgement`` email; a gateway may use it as it stands."""


def get_gateway() -> RequestGateway | None:
    """The configured gateway, or None while inbound email is not wired to requests."""
    gateway = current_app.extensions.get("inbound_gateway")
    if gateway is not None:
        return gateway
    spec = current_app.config.get("INBOUND_GATEWAY") or ""
    if not spec:
        return None
    module_name, _, attr = spec.partition(":")
    try:
        factory = getattr(import_module(module_name), attr)
    except (ImportError, AttributeError, ValueError):
        raise ConfigError(f"INBOUND_GATEWAY {spec!r} does not name a factory") from None
    gateway = factory()
    if not isinstance(gateway, RequestGateway):
        raise ConfigError(f"INBOUND_GATEWAY {spec!r} did not give a RequestGateway")
    return gateway
