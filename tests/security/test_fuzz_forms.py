"""Hypothesis sends hostile and malformed values to every form's fields: no 500, ever.

To cover a new form, add a ``FormCase`` to ``FORMS``: its URL, its field names, and who
must be signed in (a role, or None). Values are sent as raw form-encoded bytes, so invalid
UTF-8 and lone surrogates reach the app exactly as an attacker could send them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.extensions import db


@dataclass(frozen=True)
class FormCase:
    url: str
    fields: tuple[str, ...]
    role: str | None = None
    # Extra fixed fields (e.g. a checkbox) sent with every example.
    fixed: dict = field(default_factory=dict)


FORMS = [
    FormCase("/account/sign-in", ("email", "password", "remember", "next")),
    FormCase("/account/register", ("full_name", "email", "password", "confirm")),
    FormCase("/account/forgot-password", ("email",)),
    FormCase("/account/reset/not-a-real-token", ("password", "confirm")),
    FormCase("/account/verify/not-a-real-token", ()),
    FormCase("/account/password", ("current_password", "password", "confirm"), role="member"),
    FormCase("/account/confirm", ("password", "code", "next"), role="member"),
    FormCase("/account/two-step/set-up", ("code",), role="member"),
    FormCase("/account/my-data/erase", ("reason", "understood"), role="member"),
    FormCase("/account/my-data/", (), role="member"),
    FormCase("/account/sessions/end-all", (), role="member"),
    FormCase("/account/sessions/1/end", (), role="member"),
    FormCase("/staff/erasure-requests/1", (), role="staff"),
]

HOSTILE = [
    "",
    " ",
    "a" * 5000,
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR '1'='1' --",
    "'; DROP TABLE user_account; --",
    "%00",
    "\r\nSet-Cookie: x=1",
    "../../../../etc/passwd",
    "{{ 7*7 }}{% raw %}",
    "😀" * 100,
    "\u202e\u0000\ufeff",
    "ａｄｍｉｎ@ｅｘａｍｐｌｅ.ｔｅｓｔ",
    "x@" + "a" * 300 + ".test",
    "//evil.example/",
    "javascript:alert(1)",
    "1e309",
    "-1",
]


def _bytes_value():
    text = st.one_of(
        st.sampled_from(HOSTILE),
        st.text(max_size=300),
        st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=3000),
    ).map(lambda s: s.encode("utf-8", "surrogatepass"))
    raw = st.binary(max_size=400)  # invalid UTF-8, NUL bytes, anything
    surrogates = st.text(
        alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1
    ).map(lambda s: s.encode("utf-8", "surrogatepass"))
    return st.one_of(text, raw, surrogates)


# A plausible value per field name, mixed in so examples get past the first validator and
# reach the deeper code with the other fields hostile.
VALID = {
    "email": b"fuzz@example.test",
    "password": b"correct-horse-battery",
    "current_password": b"correct-horse-battery",
    "confirm": b"correct-horse-battery",
    "full_name": b"Ada Lovelace",
    "code": b"123456",
    "remember": b"y",
    "understood": b"y",
    "next": b"/member/",
    "reason": b"Moving abroad",
}


def _field_value(name: str):
    hostile = _bytes_value()
    if name in VALID:
        return st.one_of(st.just(VALID[name]), hostile)
    return hostile


def _body(values: dict[str, bytes]) -> bytes:
    return b"&".join(
        quote_from_bytes(k.encode()).encode() + b"=" + quote_from_bytes(v).encode()
        for k, v in values.items()
    )


@pytest.fixture
def fuzz_app(app):
    # The flat rate limit and the growing delays would turn most examples into 429s
    # (never a 500, but they would stop the fields being exercised).
    app.config["RATELIMIT_ENABLED"] = False
    app.config["SIGN_IN_THROTTLE_ENABLED"] = False
    from portal.extensions import limiter

    limiter.enabled = False
    yield app
    limiter.enabled = True


@pytest.mark.parametrize("case", FORMS, ids=lambda c: c.url)
def test_no_form_answers_500_to_hostile_input(fuzz_app, case, signed_in_as):
    client = fuzz_app.test_client() if case.role is None else signed_in_as(case.role)[0]

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )
    @given(
        st.fixed_dictionaries({name: _field_value(name) for name in case.fields}),
        st.dictionaries(st.sampled_from(["extra", "csrf_token", "id"]), _bytes_value(), max_size=2),
    )
    def run(values, junk):
        response = client.post(
            case.url,
            data=_body({**values, **junk}),
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code < 500, (case.url, values, response.status_code)
        db.session.rollback()

    run()
