"""A malformed chunked body answers 400, logged as one line, on every POST route (issue 21).

The test client hands the app a ready-made body, so the framing is never parsed; these tests
send raw bytes over a socket to the app served by Werkzeug's server, as the browser tests do.
"""

from __future__ import annotations

import logging
import shutil
import socket
import threading

import pytest
from werkzeug.serving import make_server

from portal import create_app
from portal.extensions import db


@pytest.fixture
def served(sqlite_template, tmp_path):
    path = tmp_path / "served.db"
    shutil.copyfile(sqlite_template, path)
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "UPLOAD_DIR": str(tmp_path / "up")}
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, server.server_port
    server.shutdown()
    server.server_close()
    thread.join(5)
    with app.app_context():
        db.engine.dispose()


def _post_raw(port: int, path: str, body: bytes, content_type: str) -> bytes:
    request = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode() + body
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return answer


def _post_routes(app) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and not rule.arguments:
            paths.append(rule.rule)
    return sorted(paths)


BROKEN = [
    pytest.param(b"zz\r\nemail=a\r\n0\r\n\r\n", id="chunk-size-zz"),
    pytest.param(b"-5\r\nemail\r\n0\r\n\r\n", id="negative-size"),
    pytest.param(b"1\r\nab\r\n0\r\n\r\n", id="chunk-longer-than-its-size"),
]


@pytest.mark.parametrize("body", BROKEN)
def test_broken_chunked_framing_is_a_400_logged_once(served, caplog, body):
    app, port = served
    paths = _post_routes(app)
    assert len(paths) > 10  # every POST route without an id in its path
    caplog.set_level(logging.INFO)
    for content_type in ("application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        for path in paths:
            caplog.clear()
            answer = _post_raw(port, path, body, content_type)
            status = answer.split(b"\r\n", 1)[0]
            assert status == b"HTTP/1.1 400 BAD REQUEST", (path, content_type, status)
            errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
            assert [r.name for r in errors] == ["portal.security.inputs"], (path, errors)
            assert errors[0].exc_info is None
            assert "unreadable request body" in errors[0].getMessage()


def test_a_good_chunked_body_still_works(served):
    app, port = served
    answer = _post_raw(
        port,
        "/account/sign-in",
        b"1b\r\nemail=a%40example.test&pass\r\n0\r\n\r\n",
        "application/x-www-form-urlencoded",
    )
    # The form arrives (CSRF is on here, so it is refused as an expired form, in words).
    assert answer.startswith(b"HTTP/1.1 400") and b"This form had expired" in answer
