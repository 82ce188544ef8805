"""Keeps secrets out of application logs (ASVS V16.2.5).

The one place a secret could reach a log line is a URL: emailed links carry their token in
the path (/account/reset/<token>, /account/verify/<token>), and Werkzeug's and gunicorn's
access logs print paths. This filter rewrites such paths, and anything that looks like a
password or token parameter, before the record is written. Logs are text lines with the
time in UTC (see docs/SECURITY.md for the inventory).
"""

from __future__ import annotations

import logging
import re

_PATTERNS = [
    (re.compile(r"(/account/(?:reset|verify)/)[^/\s?\"']+"), r"\1[redacted]"),
    (
        re.compile(r"((?:password|passwd|token|secret|code|csrf_token)=)[^&\s\"']+", re.I),
        r"\1[redacted]",
    ),
]

LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error", "portal", "flask.app")


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is left for logging to report
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_FILTER = RedactSecrets()


def register(app) -> None:
    for name in (*LOGGERS, app.logger.name):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
