"""No credential carried in a URL path reaches a log line (issue #14, finding 5): the test
walks the whole URL map, so a new route with a token in its path cannot be forgotten."""

from __future__ import annotations

import logging
import re

import pytest

from portal.security.logs import CREDENTIAL_ARGUMENTS, RedactSecrets, redact

pytestmark = pytest.mark.asvs(chapter="V16")

SECRET = "Zq9SECRETvalue_-1234567890abcdef"
#: Argument names that look like they could carry a secret; each must be either a
#: credential (and redacted) or listed here with why it is not one.
NOT_CREDENTIALS = {
    "reference": "a request's reference; access is checked by the policy, not the link",
}


def _sample_path(rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        values[name] = "1" if type(converter).__name__ in {"IntegerConverter"} else SECRET
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:[^<>:]+:)?{re.escape(name)}>", value, path)
    return path


def test_every_route_with_a_token_in_its_path_is_redacted_in_access_logs(app):
    checked = []
    for rule in app.url_map.iter_rules():
        secret_like = {a for a in rule.arguments if re.search("token|key|code|secret", a)}
        if not secret_like:
            continue
        assert secret_like <= CREDENTIAL_ARGUMENTS | set(NOT_CREDENTIALS), rule.rule
        if not secret_like & CREDENTIAL_ARGUMENTS:
            continue
        path = _sample_path(rule)
        line = f'127.0.0.1 - - "GET {path}?x=1 HTTP/1.1" 200 -'
        assert SECRET not in redact(line), rule.rule
        assert "[redacted]" in redact(line)
        checked.append(rule.rule)
    assert {"/r/<token>", "/r/<token>/live", "/email/unsubscribe/<token>"} <= set(checked)


def test_a_visitors_private_link_is_redacted_by_the_log_filter(app):
    record = logging.LogRecord(
        "werkzeug", logging.INFO, __file__, 1, '"GET /r/%s/live HTTP/1.1" 304 -', (SECRET,), None
    )
    RedactSecrets().filter(record)
    assert record.getMessage() == '"GET /r/[redacted]/live HTTP/1.1" 304 -'


def test_other_paths_are_left_alone(app):
    line = '"GET /staff/requests/Q-2026-000123 HTTP/1.1" 200'
    assert redact(line) == line
