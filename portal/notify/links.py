"""Absolute links for email, built without a request (the worker has none)."""

from __future__ import annotations

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """``PORTAL_BASE_URL`` joined to the path of ``endpoint``, in or out of a request."""
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    adapter = current_app.url_map.bind("portal.invalid")
    return base + adapter.build(endpoint, values)
