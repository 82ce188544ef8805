"""Absolute links to the portal, for email and calendar files.

Email is written in requests and in jobs alike, and a job has no request to take a host
from, so every absolute link is ``PORTAL_BASE_URL`` joined to the path the URL map builds
for an endpoint. That is the one way to build one: a path typed by hand goes stale when a
route moves.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """``PORTAL_BASE_URL`` joined to the path of ``endpoint``, in or out of a request."""
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    # Bound to a placeholder host: only the path is used, so no SERVER_NAME is needed.
    adapter = current_app.url_map.bind("portal.invalid")
    return base + adapter.build(endpoint, values)


def portal_domain() -> str:
    """The host name of ``PORTAL_BASE_URL`` (no port), for identifiers such as a calendar
    event's UID that must be unique to this portal."""
    return urlsplit(current_app.config["PORTAL_BASE_URL"]).hostname or ""
