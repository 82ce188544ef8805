"""ASVS 5.0 V3.4 (browser security headers), V3.2/V3.5 (no inline script, CSRF),
V14.2/V14.3 (no caching of personal pages) and V16.2.5 (no secrets in logs)."""

import logging
import re
from pathlib import Path

import pytest

from portal import create_app
from portal.extensions import db
from tests.factories import make_user

pytestmark = [
    pytest.mark.asvs(chapter="V3"),
    pytest.mark.asvs(chapter="V14"),
    pytest.mark.asvs(chapter="V16"),
]

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


PATHS = ["/", "/account/sign-in", "/no-such-page", "/static/css/portal.css"]


def _get(client, path):
    response = client.get(path)
    response.get_data()
    response.close()  # static files are streamed from an open file
    return response


def _csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


@pytest.mark.parametrize("path", PATHS)
def test_v3_4_3_csp_on_every_response(client, path):
    csp = _csp(_get(client, path))
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["script-src"] == "'self'"
    assert "unsafe-inline" not in str(csp) and "unsafe-eval" not in str(csp)
    assert csp["form-action"] == "'self'"


def test_v3_4_6_frame_ancestors_none(client):
    response = client.get("/")
    assert _csp(response)["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_nonce_used_by_a_template_is_added_to_the_policy(app):
    from flask import render_template_string

    with app.test_request_context("/"):
        html = render_template_string('<script nonce="{{ csp_nonce() }}"></script>')
        nonce = re.search(r'nonce="([^"]+)"', html).group(1)
        response = app.process_response(app.make_response(html))
    assert f"'nonce-{nonce}'" in _csp(response)["script-src"]


@pytest.mark.parametrize("path", PATHS)
def test_v3_4_4_nosniff_and_v3_4_5_referrer_policy(client, path):
    response = _get(client, path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_v3_4_1_hsts_in_production_only(client, monkeypatch, tmp_path):
    assert "Strict-Transport-Security" not in client.get("/").headers
    monkeypatch.setenv("SECRET_KEY", "y" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    monkeypatch.setenv("PORTAL_BASE_URL", "https://portal.example")
    monkeypatch.setenv("TRUSTED_HOSTS", "portal.example")
    prod = create_app("production")
    with prod.test_request_context("/", base_url="https://portal.example"):
        response = prod.process_response(prod.make_response("ok"))
    hsts = response.headers["Strict-Transport-Security"]
    assert "includeSubDomains" in hsts
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 365 * 24 * 3600


def test_v14_3_2_signed_in_pages_are_not_cached(signed_in_as, role):
    client, _ = signed_in_as(role)
    response = client.get(f"/{role}/")
    assert response.headers["Cache-Control"] == "no-store"
    # Static files may be cached; they hold nothing personal.
    assert _get(client, "/static/css/portal.css").headers.get("Cache-Control") != "no-store"


def test_v14_3_1_signing_out_clears_what_the_browser_kept(signed_in_as):
    client, _ = signed_in_as("member")
    response = client.post("/account/sign-out")
    assert '"cache"' in response.headers["Clear-Site-Data"]


def test_v3_2_2_no_inline_script_or_event_handlers_in_any_template():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text, re.I):
            if "src=" not in tag:
                offenders.append(f"{path.name}: {tag}")
        if re.search(r"\son[a-z]+\s*=", text, re.I):
            offenders.append(f"{path.name}: inline event handler")
        if re.search(r"javascript:", text, re.I):
            offenders.append(f"{path.name}: javascript: URL")
    assert not offenders, offenders


def test_trusted_hosts_refuse_other_host_names(app_config):
    app = create_app(dict(app_config, TRUSTED_HOSTS=["portal.example"], SERVER_NAME=None))
    client = app.test_client()
    assert client.get("/", base_url="http://portal.example").status_code == 200
    assert client.get("/", base_url="http://evil.example").status_code == 400
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(("hops", "expected"), [(0, "192.0.2.10"), (1, "203.0.113.77")])
def test_proxy_fix_only_trusts_forwarded_headers_when_configured(app_config, hops, expected):
    app = create_app(dict(app_config, PROXY_FIX_X_FOR=hops))
    seen = {}

    @app.get("/_whoami")
    def whoami():
        from flask import request

        seen["addr"] = request.remote_addr
        return "ok"

    app.test_client().get(
        "/_whoami",
        headers={"X-Forwarded-For": "203.0.113.77"},
        environ_base={"REMOTE_ADDR": "192.0.2.10"},
    )
    assert seen["addr"] == expected
    with app.app_context():
        db.engine.dispose()


def test_v2_2_1_nul_bytes_are_refused_before_any_form(client):
    response = client.post("/account/register", data={"full_name": "Ada\x00", "email": "a@b.c"})
    assert response.status_code == 400
    assert client.get("/account/sign-in?next=/%00").status_code == 400


def test_v16_2_5_no_passwords_or_tokens_in_application_logs(app, client, caplog, sign_in):
    from tests.conftest import PASSWORD, outbox_links

    caplog.set_level(logging.DEBUG)
    user = make_user(email="logs@example.test")
    db.session.commit()
    sign_in(client, user)
    client.post("/account/sign-out")
    client.post("/account/forgot-password", data={"email": user.email})
    link = [x for x in outbox_links(user.email) if "/reset/" in x][-1]
    token = link.rsplit("/", 1)[1]
    new = "fresh orbit lantern plum"
    logging.getLogger("werkzeug").info('"GET /account/reset/%s HTTP/1.1" 200', token)
    client.post("/" + link.split("/", 3)[3], data={"password": new, "confirm": new})
    logging.getLogger("werkzeug").info("POST /x?password=%s&token=%s", new, token)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "/account/reset/[redacted]" in text
    for secret in (PASSWORD, new, token):
        assert secret not in text
