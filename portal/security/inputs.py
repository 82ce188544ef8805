"""A guard on all input before any form sees it (ASVS V2.2.1).

NUL characters have no place in anything a person types, and PostgreSQL refuses to store
them, so a request carrying one in its form fields or query string is refused as a bad
request rather than reaching a form (and, later, the database) in every area.
"""

from __future__ import annotations

from flask import Flask, abort, request


def _has_nul(values) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values.getlist(key)) for key in values)


def refuse_nul_bytes():
    if "\x00" in request.path or _has_nul(request.args):
        abort(400)
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        if _has_nul(request.form):
            abort(400)
        if any("\x00" in (f.filename or "") for f in request.files.values()):
            abort(400)
    return None


def register(app: Flask) -> None:
    app.before_request(refuse_nul_bytes)
