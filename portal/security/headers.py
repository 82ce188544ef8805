"""Security headers for every response, from one after_request hook (ASVS V3.4, V14.3.2),
and the proxy and host settings the headers rely on (docs/SECURITY.md, "Deploying")."""

from __future__ import annotations

import secrets

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix


def csp_nonce() -> str:
    """A per-response nonce for a ``<script nonce="...">`` should a page ever need one
    (none does: scripts live in static/js). Using it adds it to the policy."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy() -> str:
    script = "'self'"
    if "csp_nonce" in g:
        script += f" 'nonce-{g.csp_nonce}'"
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {script}",
            "style-src 'self'",
            # data: for the two-step sign-in QR code, drawn as a PNG data URI.
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


def set_security_headers(response):
    headers = response.headers
    # A view may have set a stricter policy for its own response (a download's sandbox, a
    # private link's no-referrer): keep it; otherwise the site-wide one applies.
    headers.setdefault("Content-Security-Policy", content_security_policy())
    headers["X-Content-Type-Options"] = "nosniff"
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers["X-Frame-Options"] = "DENY"  # for browsers too old for frame-ancestors
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    from flask import current_app

    hsts = current_app.config.get("HSTS_SECONDS") or 0
    if hsts:
        headers["Strict-Transport-Security"] = f"max-age={hsts}; includeSubDomains"
    # Pages are personal and change with every action: no browser or proxy keeps a copy
    # (V14.2.2, V14.3.2). Only the static files (CSS, JS, images) may be cached, and the
    # published open data, which a view marks ``public`` (no one's data, the same for all).
    if request.endpoint != "static" and not response.cache_control.public:
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
    return response


def register(app: Flask) -> None:
    cfg = app.config
    if cfg.get("PROXY_FIX_X_FOR") or cfg.get("PROXY_FIX_X_PROTO") or cfg.get("PROXY_FIX_X_HOST"):
        app.wsgi_app = ProxyFix(
            app.wsgi_app,
            x_for=cfg["PROXY_FIX_X_FOR"],
            x_proto=cfg["PROXY_FIX_X_PROTO"],
            x_host=cfg["PROXY_FIX_X_HOST"],
        )
    app.after_request(set_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
