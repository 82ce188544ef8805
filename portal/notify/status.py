"""Status emails about a customer's request (CHARTER.md section 6: every change they can see).

The requests area calls these in the transaction of the change. Each is a template pair under
``templates/email/`` and carries the request's id, so a failed delivery is noted on it.
"""

from __future__ import annotations

from portal.notify.models import OutboxMessage
from portal.notify.services import queue_email


def queue_status_email(
    *,
    event_key: str,
    to: str,
    first_name: str,
    request_id: int,
    reference: str,
    subject: str,
    headline: str,
    link: str,
    detail: str = "",
) -> OutboxMessage:
    """Tell the customer about a change to their request, linking to its page.

    ``event_key`` names the change (for example ``reply:<reply id>`` or
    ``status:<request id>:<timeline entry id>``): the same change is never emailed twice.
    """
    return queue_email(
        event_key,
        to,
        subject,
        "status_update",
        request_id=request_id,
        first_name=first_name,
        reference=reference,
        headline=headline,
        detail=detail,
        link=link,
    )


def queue_satisfaction_request(
    *, to: str, first_name: str, request_id: int, reference: str, link: str
) -> OutboxMessage:
    """Ask how we did once a request is resolved, at most once per request.

    The email links only to a page; the answer is recorded when the customer submits the
    form there. Nothing is recorded by opening a link, because mail scanners open links.
    """
    return queue_email(
        f"satisfaction:{request_id}",
        to,
        f"How did we do with {reference}?",
        "satisfaction_request",
        request_id=request_id,
        first_name=first_name,
        reference=reference,
        link=link,
    )
