"""What a change to a request can be refused with; ``str()`` is the message for the person."""

from __future__ import annotations

from portal.requests.models import ServiceRequest


class RequestError(Exception):
    """A change the rules do not allow; ``str()`` is the message for the person."""


class StaleRequest(RequestError):
    """Someone else changed the request since the person acting on it loaded it."""

    def __init__(self, request: ServiceRequest, seen_version: int | None):
        super().__init__(
            "Someone else changed this request after you opened it, so your change was not "
            "saved. Check what changed below; what you typed is still in the form."
        )
        self.request = request
        self.seen_version = seen_version
