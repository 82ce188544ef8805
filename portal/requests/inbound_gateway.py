"""The requests side of inbound email: what :mod:`portal.inbound` calls to open requests and
add replies (issue #10). Flushes, never commits: the inbound job commits each message with
its request."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from portal.accounts.models import User
from portal.charter import format_london
from portal.extensions import db
from portal.inbound.attachments import Attachment
from portal.inbound.gateway import CreatedRequest, RequestHandle
from portal.inbound.services import queue_acknowledgement_email
from portal.requests import files, services
from portal.requests.models import Channel, ServiceRequest


def _handle(request: ServiceRequest | None) -> RequestHandle | None:
    if request is None:
        return None
    return RequestHandle(request.id, request.reference, request.requester_email)


def _uploads(attachments: Sequence[Attachment]) -> list[files.Upload]:
    # Inbound already kept only files that pass the upload checks; checking again costs
    # little and keeps one rule for what may be stored.
    return [files.check_upload(a.filename, a.data) for a in attachments]


class PortalRequestGateway:
    """Opens and threads requests through :mod:`portal.requests.services`."""

    def get(self, request_id: int) -> RequestHandle | None:
        return _handle(db.session.get(ServiceRequest, request_id))

    def find_by_reference(self, reference: str) -> RequestHandle | None:
        return _handle(
            db.session.scalar(select(ServiceRequest).where(ServiceRequest.reference == reference))
        )

    def find_by_outbound_message_id(self, message_id: str) -> RequestHandle | None:
        from portal.notify.services import request_id_for_message_id

        request_id = request_id_for_message_id(message_id)
        return self.get(request_id) if request_id is not None else None

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
        """A new request on the email channel: for the person with that address if we know
        them, otherwise for a new contact (CHARTER §2: the clock runs from the arrival).

        A sender the receiving server did not verify may be anyone: the request is never put
        in an account (it would show on that member's dashboard, in their words), and staff
        see it marked "sender not verified" (issue #14)."""
        person = None
        if is_sender_verified:
            person = db.session.scalar(select(User).where(User.email == sender_email.lower()))
        submission = services.submit_request(
            kind,
            subject=subject or "(no subject)",
            body=body or "(no text)",
            requester=person,
            name=sender_name or sender_email.split("@", 1)[0],
            email=sender_email,
            channel=Channel.EMAIL,
            received_at=received_at,
            uploads=_uploads(attachments),
            notify_customer=False,  # the inbound job decides on the one acknowledgement
            details={} if is_sender_verified else {"email_sender": "not verified"},
        )
        request = submission.request
        if request.clock_started_at != clock_started_at:
            raise ValueError("inbound and requests disagree on the clock start")
        for note in notes:
            services.add_system_note(request, note)
        explanation = (
            f"We will {services.promise_of(request).action} by "
            f"{format_london(request.response_due_at, with_year=True)}."
        )
        return CreatedRequest(request.id, request.reference, explanation)

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
        request = db.session.get(ServiceRequest, request_id)
        author = request.requester if request.requester_id else None
        # A reply to a closed request reopens it inside the reopen window, or starts a new
        # linked request after it (issue #16), as a reply on the request's page does.
        services.customer_reply(
            request, body or "(no text)", author, uploads=_uploads(attachments)
        )
        for note in notes:
            services.add_system_note(request, note)

    def queue_acknowledgement(self, **kwargs) -> None:
        # Tied to the request, so a reply to the acknowledgement threads back to it.
        queue_acknowledgement_email(request_id=kwargs["request"].id, **kwargs)
