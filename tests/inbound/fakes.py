"""A test double for the requests area, standing where the real RequestGateway will.

It keeps requests in memory and works out their due dates with the real charter engine and
settings, so what inbound email hands over (kind, sender, received instant, clock start,
attachments, notes) can be checked exactly. The acknowledgement goes through the real outbox.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

from portal.charter import promise_due
from portal.inbound.gateway import CreatedRequest, RequestHandle
from portal.inbound.services import queue_acknowledgement_email
from portal.settings.services import current_promises, get_calendar

PREFIXES = {
    "query": "Q",
    "complaint": "C",
    "feedback": "F",
    "membership-application": "A",
    "membership-upgrade": "U",
    "employer-support": "E",
    "centre-support": "S",
}


@dataclass
class FakeRequest:
    id: int
    reference: str
    kind: str
    contact_email: str
    sender_name: str
    subject: str
    body: str
    received_at: datetime
    clock_started_at: datetime
    due_explanation: str
    attachments: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    replies: list = field(default_factory=list)
    is_sender_verified: bool = False

    @property
    def handle(self) -> RequestHandle:
        return RequestHandle(self.id, self.reference, self.contact_email)


class FakeGateway:
    def __init__(self) -> None:
        self.requests: dict[int, FakeRequest] = {}
        self.sent_message_ids: dict[str, int] = {}  # Message-IDs of "our" outbound mail
        self.acknowledgements: list[dict] = []
        self._lock = threading.Lock()

    def by_reference(self, reference: str) -> FakeRequest:
        return next(r for r in self.requests.values() if r.reference == reference)

    def get(self, request_id: int) -> RequestHandle | None:
        request = self.requests.get(request_id)
        return request.handle if request else None

    def find_by_reference(self, reference: str) -> RequestHandle | None:
        found = [r for r in self.requests.values() if r.reference == reference]
        return found[0].handle if found else None

    def find_by_outbound_message_id(self, message_id: str) -> RequestHandle | None:
        request_id = self.sent_message_ids.get(message_id)
        return self.get(request_id) if request_id else None

    def create_from_email(
        self,
        *,
        kind,
        sender_name,
        sender_email,
        subject,
        body,
        received_at,
        clock_started_at,
        attachments,
        notes,
        is_sender_verified=False,
    ) -> CreatedRequest:
        due = promise_due(kind, received_at, get_calendar(), current_promises())
        with self._lock:
            request_id = len(self.requests) + 1
            reference = f"{PREFIXES[kind]}-{received_at.year}-{request_id:06d}"
            self.requests[request_id] = FakeRequest(
                request_id,
                reference,
                kind,
                sender_email,
                sender_name,
                subject,
                body,
                received_at,
                clock_started_at,
                due.explanation,
                list(attachments),
                list(notes),
                is_sender_verified=is_sender_verified,
            )
        return CreatedRequest(request_id, reference, due.explanation)

    def add_customer_reply(
        self,
        *,
        request_id,
        sender_name,
        sender_email,
        subject,
        body,
        received_at,
        attachments,
        notes,
    ) -> None:
        self.requests[request_id].replies.append(
            {
                "sender_email": sender_email,
                "subject": subject,
                "body": body,
                "received_at": received_at,
                "attachments": list(attachments),
                "notes": list(notes),
            }
        )

    def queue_acknowledgement(self, **kwargs) -> None:
        self.acknowledgements.append(kwargs)
        queue_acknowledgement_email(**kwargs)
