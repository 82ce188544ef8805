"""A guard on all input before any form sees it (ASVS V2.2.1).

NUL characters have no place in anything a person types, and PostgreSQL refuses to store
them, so a request carrying one in its form fields or query string is refused as a bad
request rather than reaching a form (and, later, the database) in every area.

A body that cannot be read (broken chunked framing, such as a chunk size of ``zz``, or a
client that vanishes half-way) is the client's fault too: 400, logged as one line, where it
was a 500 with a full traceback that anyone could repeat to fill the error log.
"""

from __future__ import annotations

import logging
from datetime import date

from flask import Flask, abort, request
from werkzeug.exceptions import BadRequest

log = logging.getLogger(__name__)


class UnreadableBody(BadRequest):
    """The request body's framing is broken; nothing in it can be trusted."""


class GuardedInput:
    """``wsgi.input``, turning any failure to read it into :class:`UnreadableBody`.

    The server parses the framing as the app reads: Werkzeug's server raises ``OSError``,
    gunicorn its own parse errors (not ``OSError``), a dropped client ``ConnectionError``.
    Any of them while reading the body means the body cannot be had, so all are caught here
    and nowhere else.
    """

    def __init__(self, stream, environ: dict) -> None:
        self._stream = stream
        self._environ = environ

    def _guard(self, method: str, *args):
        try:
            return getattr(self._stream, method)(*args)
        except Exception as exc:  # noqa: BLE001 - see the class docstring
            if not self._environ.get("portal.unreadable_body"):
                self._environ["portal.unreadable_body"] = True
                log.warning(
                    "unreadable request body on %s %s: %s: %s",
                    self._environ.get("REQUEST_METHOD"),
                    self._environ.get("PATH_INFO"),
                    type(exc).__name__,
                    " ".join(str(exc).split())[:200],
                )
            raise UnreadableBody() from None

    def read(self, *args):
        return self._guard("read", *args)

    def readline(self, *args):
        return self._guard("readline", *args)

    def readlines(self, *args):
        return self._guard("readlines", *args)

    def __iter__(self):
        return iter(self.readline, b"")

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


class GuardBodies:
    """WSGI middleware putting :class:`GuardedInput` round every request's body."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if "wsgi.input" in environ:
            environ["wsgi.input"] = GuardedInput(environ["wsgi.input"], environ)
        return self.wsgi_app(environ, start_response)

#: The largest id or page number a query string may name: a 32-bit signed integer, the
#: smallest integer column either database has, so no value read here overflows a query.
MAX_QUERY_INT = 2**31 - 1
#: Dates read from a query string lie in these years; arithmetic on them (the day after,
#: the week around) then never leaves the years Python and the databases can hold.
QUERY_YEARS = (1900, 2999)


def query_int(name: str, default: int | None = None, *, low: int = 1) -> int | None:
    """The whole number ``?name=`` gives, or ``default`` when it is missing, not a plain
    number, or outside ``low`` to :data:`MAX_QUERY_INT` (issue #14: 30 digits were a 500)."""
    raw = request.args.get(name, "")
    if not raw or not raw.isascii() or not raw.lstrip("-").isdigit() or len(raw) > 11:
        return default
    value = int(raw)
    return value if low <= value <= MAX_QUERY_INT else default


def bounded_day(value: date | None) -> date | None:
    """``value`` if its year is in :data:`QUERY_YEARS`, else None."""
    if value is None or not QUERY_YEARS[0] <= value.year <= QUERY_YEARS[1]:
        return None
    return value


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
    app.wsgi_app = GuardBodies(app.wsgi_app)
    app.before_request(refuse_nul_bytes)
