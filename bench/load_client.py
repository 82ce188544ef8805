"""The load generator for bench/load.py, run as a process of its own.

``python bench/load_client.py SPEC.json RESULT.json``: reads what to do from the spec written
by bench/load.py, runs one thread per simulated user, each with its own keep-alive connection
and cookie jar (a browser, roughly), and writes every response's page, time and status.

Users do what people do, with a pause to read between pages (``think`` seconds on average):

* **members** (8 in 10): sign in with their password, land on the dashboard, open one of their
  requests, leave it open while it polls its live state, sometimes reply (3 in 10 journeys) or
  send a new question (3 in 20), look at the dashboard again and sign out;
* **staff** (1 in 10): sign in with password and authenticator code once, then work the queue:
  open it, open a request from it, reply to it (1 in 2) and watch it for a while;
* **open pages** (1 in 10): each stands for ten request pages left open in browser tabs, polling
  their state URL every three seconds with ``If-None-Match``, as static/js/live.js does.

Mode ``closed`` instead has every user fetch one page as fast as it can (no pauses), to
measure throughput; the members sign in first, outside the measured window.

A request sent on a keep-alive connection the server had just closed as idle is resent at
once, as browsers do, and counted apart (*stale keep-alive*): nothing reached the app. Any
other response that never came (connection error) or a 502/503/504 from the load balancer is
retried, up to three more times, as a person would press reload: each such event is counted
as a *raw error*; a request that still fails is a *user-visible failure*. POSTs are retried
only on 503 (the balancer had no server, so none received it) or a refused connection.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import sys
import threading
import time
from html import unescape
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pyotp

RETRIES = 3
STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)
ATTR = re.compile(r'([\w:-]+)="([^"]*)"')
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
INPUT = re.compile(r"<input\b([^>]*)>", re.S)
LINK = re.compile(r'href="(/(?:member|staff)/requests/[A-Z]-[0-9-]+)"')
LIVE = re.compile(r'data-live-state="([^"]+)"')


class UserFailure(Exception):
    """A request that failed even after the retries."""


class Stats:
    """Every response, shared by the users' threads."""

    def __init__(self, started: float) -> None:
        self.started = started
        self.lock = threading.Lock()
        self.samples: dict[str, list] = {}
        self.raw_errors: list = []
        self.failures: list = []
        self.unexpected: list = []
        self.stale_keepalive: list = []

    def sample(self, page: str, latency: float, status: int) -> None:
        with self.lock:
            self.samples.setdefault(page, []).append(
                (round(time.time() - self.started, 3), round(latency * 1000, 2), status)
            )

    def note(self, kind: str, page: str, what: str) -> None:
        with self.lock:
            getattr(self, kind).append((round(time.time() - self.started, 3), page, what))


class Browser:
    """One keep-alive connection and one cookie jar."""

    def __init__(self, base: str, stats: Stats, scheme: str = "http") -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        # Browsers send the page's address with a form; behind the balancer the portal sees
        # HTTPS and Flask-WTF then checks the Referer is its own origin.
        self.origin = f"{scheme}://{parts.netloc}"
        self.last_page = "/"
        self.stats = stats
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}
        self.measure = True

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, page: str, method: str, path: str, form: dict | None = None,
                headers: dict | None = None, expect: tuple = (200,)):
        body = urlencode(form) if form is not None else None
        sent = dict(headers or {})
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Referer"] = self.origin + self.last_page
        elif not path.startswith("/live/"):
            self.last_page = path
        first = time.perf_counter()
        for attempt in range(RETRIES + 1):
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            refused = False
            reused = self.conn is not None
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                self.conn.request(method, path, body=body, headers=sent)
                response = self.conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                if reused and isinstance(exc, STALE):
                    # The server had closed this idle keep-alive connection as the request
                    # left: nothing was processed, and browsers resend at once, any method.
                    self.stats.note("stale_keepalive", page, type(exc).__name__)
                    continue
                refused = isinstance(exc, ConnectionRefusedError)
                self.stats.note("raw_errors", page, f"{type(exc).__name__}: {exc}")
                if attempt < RETRIES and (method == "GET" or refused):
                    time.sleep(0.2)
                    continue
                self.stats.note("failures", page, f"{type(exc).__name__}: {exc}")
                raise UserFailure(page) from exc
            status = response.status
            for header in response.headers.get_all("Set-Cookie") or []:
                self._keep_cookie(header)
            if response.will_close:
                self.close()
            if status in (502, 503, 504) or status >= 500:
                self.stats.note("raw_errors", page, f"HTTP {status}")
                if attempt < RETRIES and (method == "GET" or status == 503):
                    time.sleep(0.2)
                    continue
                self.stats.note("failures", page, f"HTTP {status}")
                raise UserFailure(page)
            if self.measure:
                self.stats.sample(page, time.perf_counter() - first, status)
            if status not in expect:
                self.stats.note("unexpected", page, f"HTTP {status} {method} {path}")
            return status, response.headers, data.decode("utf-8", "replace")
        raise AssertionError("unreachable")

    def _keep_cookie(self, header: str) -> None:
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            gone = morsel["max-age"] == "0" or "1970" in morsel["expires"]
            if gone or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def get(self, page: str, path: str, **kw):
        return self.request(page, "GET", path, **kw)

    def post_form(self, page: str, html: str, action_suffix: str, fields: dict,
                  expect: tuple = (302,)):
        """Fill the form whose action ends with ``action_suffix`` and send it."""
        forms = [(unescape(dict(ATTR.findall(attrs)).get("action", "")), inner)
                 for attrs, inner in FORM.findall(html)]
        matching = [form for form in forms if form[0].endswith(action_suffix)]
        if not matching:
            self.stats.note("unexpected", page, f"no form {action_suffix}")
            raise UserFailure(page)
        action, inner = matching[0]
        data = {}
        for attrs in INPUT.findall(inner):
            found = dict(ATTR.findall(attrs))
            if found.get("type") == "hidden" and "name" in found:
                data[found["name"]] = unescape(found.get("value", ""))
        data.update(fields)
        return self.request(page, "POST", urlsplit(action).path, form=data, expect=expect)

    def follow(self, page: str, headers, expect: tuple = (200,)):
        return self.get(page, urlsplit(headers["Location"]).path, expect=expect)


def think(spec: dict, rng: random.Random) -> None:
    time.sleep(spec["think"] * rng.uniform(0.5, 1.5))


def sign_in(b: Browser, email: str, password: str, secret: str | None = None,
            label: str = "member") -> str:
    _, _, html = b.get("sign-in page", "/account/sign-in")
    status, headers, _ = b.post_form(f"sign in ({label})", html, "/account/sign-in",
                                     {"email": email, "password": password})
    if status != 302:
        raise UserFailure("sign in")
    if secret:
        _, _, html = b.follow("two-step page", headers)
        status, headers, _ = b.post_form("two-step code (staff)", html, "/account/two-step",
                                         {"code": pyotp.TOTP(secret).now()})
        if status != 302:
            raise UserFailure("two-step")
    _, _, html = b.follow("staff queue" if secret else "member dashboard", headers)
    return html


def member_journey(b: Browser, spec: dict, rng: random.Random, stop: float) -> None:
    member = rng.choice(spec["members"])
    html = sign_in(b, member["email"], spec["password"])
    think(spec, rng)
    refs = LINK.findall(html) or [f"/member/requests/{r}" for r in member["refs"]]
    path = rng.choice(refs)
    _, _, html = b.get("member request page", path)
    state = LIVE.search(html)
    etag = None
    for _ in range(rng.randint(1, 3)):  # the page stays open while it is read
        if time.monotonic() > stop:
            return
        time.sleep(3)
        if state:
            _, headers, _ = b.get("live state (poll)", unescape(state.group(1)),
                                  headers={"If-None-Match": etag} if etag else {},
                                  expect=(200, 304))
            etag = headers.get("ETag") or etag
    if rng.random() < 0.3:
        status, headers, _ = b.post_form(
            "member reply (POST)", html, "/reply",
            {"reply-body": f"Thank you. One more detail about this, at {time.time():.0f}."},
        )
        if status == 302:
            b.follow("member request page", headers)
        think(spec, rng)
    if rng.random() < 0.15:
        _, _, html = b.get("new request form", "/member/requests/new/question")
        think(spec, rng)
        status, headers, _ = b.post_form(
            "new request (POST)", html, "/member/requests/new/question",
            {"subject": "A question about my membership",
             "body": "Could you tell me when my next renewal is due and how to pay it?"},
        )
        if status == 302:
            b.follow("new request sent page", headers)
        think(spec, rng)
    _, _, html = b.get("member dashboard", "/member/")
    think(spec, rng)
    b.post_form("sign out (POST)", html, "/account/sign-out", {})
    b.cookies.clear()


def staff_work(b: Browser, spec: dict, rng: random.Random, stop: float, staff: dict) -> None:
    html = sign_in(b, staff["email"], spec["password"], staff["secret"], "staff")
    while time.monotonic() < stop:
        think(spec, rng)
        _, _, html = b.get("staff queue", "/staff/queue")
        links = sorted(set(LINK.findall(html)))
        if not links:
            continue
        think(spec, rng)
        _, _, html = b.get("staff request page", rng.choice(links))
        if rng.random() < 0.5:
            think(spec, rng)
            status, headers, html2 = b.post_form(
                "staff reply (POST)", html, "/reply",
                {"reply-body": "Thank you for your message. We have looked into this and "
                               "your renewal is due on the date shown in your account."},
                expect=(302, 409),
            )
            if status == 302:
                _, _, html = b.follow("staff request page", headers)
        state = LIVE.search(html)
        etag = None
        for _ in range(2):
            time.sleep(3)
            if state:
                _, headers, _ = b.get("live state (poll)", unescape(state.group(1)),
                                      headers={"If-None-Match": etag} if etag else {},
                                      expect=(200, 304))
                etag = headers.get("ETag") or etag


def open_pages(b: Browser, spec: dict, rng: random.Random, stop: float, urls: list) -> None:
    etags: dict[str, str] = {}
    gap = 3.0 / len(urls)
    time.sleep(rng.uniform(0, 3))
    while time.monotonic() < stop:
        for url in urls:
            started = time.monotonic()
            headers = {"If-None-Match": etags[url]} if url in etags else {}
            _, got, _ = b.get("live state (poll)", url, headers=headers, expect=(200, 304))
            etags[url] = got.get("ETag") or etags.get(url, "")
            time.sleep(max(0.0, gap - (time.monotonic() - started)))


def closed_sign_in(b: Browser, email: str, password: str, ready: threading.Barrier) -> None:
    """Sign in before a closed-loop window, trying again while a busy machine times out:
    every user must reach the starting line, or the others would wait for them for ever."""
    for attempt in range(5):
        try:
            sign_in(b, email, password)
            return
        except UserFailure:
            b.cookies.clear()
            b.close()
            time.sleep(1 + attempt)
    ready.abort()
    raise UserFailure("sign in (closed loop)")


def run_user(index: int, spec: dict, stats: Stats, window: dict,
             ready: threading.Barrier) -> None:
    rng = random.Random(spec.get("seed", 0) * 1000 + index)
    b = Browser(spec["base"], stats, spec.get("scheme", "http"))
    role = spec["roles"][index]
    try:
        if spec["mode"] == "closed":
            member = spec["members"][index % len(spec["members"])]
            target = spec["target"]
            if target == "baseline":
                path = f"/baseline/{member['id']}"
            else:
                b.measure = False
                closed_sign_in(b, member["email"], spec["password"], ready)
                b.measure = True
                path = ("/member/" if target == "member dashboard"
                        else f"/member/requests/{member['refs'][0]}")
            ready.wait()
            stop = window["stop"]
            while time.monotonic() < stop:
                try:
                    b.get(target, path)
                except UserFailure:
                    pass
            return
        stop = window["stop"]
        time.sleep(rng.uniform(0, min(5.0, spec["duration"] / 10)))  # users arrive over time
        while time.monotonic() < stop:
            try:
                if role == "staff":
                    staff = spec["staff"][index % len(spec["staff"])]
                    staff_work(b, spec, rng, stop, staff)
                elif role == "pages":
                    open_pages(b, spec, rng, stop, spec["open_pages"][str(index)])
                else:
                    member_journey(b, spec, rng, stop)
            except UserFailure:
                b.cookies.clear()
                b.close()
                time.sleep(1)
    finally:
        b.close()


def main() -> None:
    spec = json.loads(open(sys.argv[1]).read())
    users = spec["users"]
    stats = Stats(time.time())
    window = {"stop": time.monotonic() + spec["duration"]}

    def open_window() -> None:
        # Closed mode: the clock starts once every user has signed in, so it measures load.
        window["start"] = time.time()
        window["stop"] = time.monotonic() + spec["duration"]

    barrier = threading.Barrier(users, action=open_window)
    threads = [threading.Thread(target=run_user, args=(i, spec, stats, window, barrier),
                                daemon=True) for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(spec["duration"] + 300)
    json.dump({"started": stats.started, "window_start": window.get("start", stats.started),
               "ended": time.time(), "samples": stats.samples, "raw_errors": stats.raw_errors,
               "failures": stats.failures, "unexpected": stats.unexpected,
               "stale_keepalive": stats.stale_keepalive},
              open(sys.argv[2], "w"))


if __name__ == "__main__":
    main()
