"""Keeps secrets out of application logs (ASVS V16.2.5).

The one place a secret could reach a log line is a URL: emailed links carry their token in
the path (/account/reset/<token>, a visitor's private link /r/<token> and its live page
polled every few seconds, /email/unsubscribe/<token>), and Werkzeug's and gunicorn's access
logs print paths. This filter rewrites such paths, and anything that looks like a password
or token parameter, before the record is written. The paths come from the URL map itself:
every rule with an argument named in :data:`CREDENTIAL_ARGUMENTS` (issue #14), so a new route
carrying a token is redacted without anyone remembering to add it here. Logs are text lines with the
time in UTC (see docs/SECURITY.md for the inventory).
"""

from __future__ import annotations

import logging
import re

#: URL arguments that are credentials: whoever has the value can act with it.
# "code": the verification code printed on an e-certificate opens its public check page.
CREDENTIAL_ARGUMENTS = frozenset({"token", "key", "code"})
_SEGMENT = r"[^/\s?#\"']+"
_ARGUMENT = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")

_PATTERNS = [
    (re.compile(r"(/account/(?:reset|verify)/)[^/\s?\"']+"), r"\1[redacted]"),
    (
        re.compile(r"((?:password|passwd|token|secret|code|csrf_token)=)[^&\s\"']+", re.I),
        r"\1[redacted]",
    ),
]

LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error", "portal", "flask.app")


_route_patterns: list[re.Pattern] = []


def route_pattern(rule: str) -> re.Pattern | None:
    """A pattern matching ``rule``'s paths, with each credential in a group named ``c<n>``,
    or None when the rule carries no credential."""
    parts, pos, found = [], 0, False
    for n, match in enumerate(_ARGUMENT.finditer(rule)):
        parts.append(re.escape(rule[pos : match.start()]))
        if match.group(1) in CREDENTIAL_ARGUMENTS:
            parts.append(f"(?P<c{n}>{_SEGMENT})")
            found = True
        else:
            parts.append(_SEGMENT)
        pos = match.end()
    parts.append(re.escape(rule[pos:]))
    return re.compile("".join(parts)) if found else None


def _blank_credentials(match: re.Match) -> str:
    text, start = match.group(0), match.start()
    for name, value in sorted(match.groupdict().items(), key=lambda kv: -match.start(kv[0])):
        if value is not None:
            a, b = match.start(name) - start, match.end(name) - start
            text = text[:a] + "[redacted]" + text[b:]
    return text


def redact(text: str) -> str:
    for pattern in _route_patterns:
        text = pattern.sub(_blank_credentials, text)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def learn_routes(app) -> None:
    """Redact every credential-carrying route of ``app`` from now on."""
    for rule in app.url_map.iter_rules():
        pattern = route_pattern(rule.rule)
        if pattern is not None and pattern.pattern not in {p.pattern for p in _route_patterns}:
            _route_patterns.append(pattern)


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
