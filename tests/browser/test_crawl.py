"""Every page each kind of person can reach by following links, at a desktop width and at
320 CSS pixels (WCAG 2.2 reflow, 1.4.10): no sideways scroll, no axe-core violations, and no
HTML errors.

The crawl starts where the person starts (the home page, or their dashboard after signing
in) and follows every link on the portal's own pages. Pages that differ only by an id or a
token are one kind of page, and a few of each kind are visited, so the crawl stays short
while still reaching every template.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest

from tests.browser.conftest import WCAG_22_AA
from tests.browser.helpers import sign_in

WIDTHS = (1280, 320)
SAMPLES_PER_KIND = 2
MAX_PAGES = 60
# Following these would end the session or leave the portal's pages.
SKIP = re.compile(r"^/(static/|account/sign-out)|/download|\.(csv|ics|pdf|json|atom|xml)$")
_ID = re.compile(r"^(\d+|[A-Za-z0-9_-]{16,}|[A-Z]{1,4}-\d[\d-]*)$")

ROLES = {
    "visitor": None,
    "member": "member@demo.test",
    "applicant": "applicant@demo.test",
    "employer": "employer@demo.test",
    "centre": "centre@demo.test",
    "applying-centre": "newcentre@demo.test",
    "staff": "support@demo.test",
    "admin": "admin@demo.test",
}


def kind_of(path: str, query: str) -> str:
    """The pattern a URL belongs to: ids and tokens replaced, query values ignored."""
    parts = ["*" if _ID.match(part) else part for part in path.split("/")]
    keys = sorted({pair.split("=")[0] for pair in query.split("&") if pair})
    return "/".join(parts) + ("?" + "&".join(keys) if keys else "")


def links_on(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    found = []
    for href in hrefs:
        url = urlsplit(urljoin(page.url, href))
        if f"{url.scheme}://{url.netloc}" != origin or SKIP.search(url.path):
            continue
        found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


def too_wide(page, width: int) -> int:
    """How many CSS pixels the document is wider than the viewport (0 when it reflows)."""
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_timeout(50)
    return page.evaluate("document.documentElement.scrollWidth") - width


# The outermost elements that stick out past the right edge, to say what to fix.
_STICKING_OUT = """() => {
  const out = [];
  for (const el of document.querySelectorAll('main *, header *, footer *')) {
    const box = el.getBoundingClientRect();
    if (box.right > window.innerWidth + 1 && !out.some(o => o.el.contains(el))) {
      out.push({el, text: el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
        + ' ' + Math.round(box.right)});
    }
  }
  return out.slice(0, 3).map(o => o.text);
}"""


def crawl(page, origin: str, start: str) -> list[str]:
    seen_kinds: dict[str, int] = {}
    visited: list[str] = []
    queue = deque([start])
    while queue and len(visited) < MAX_PAGES:
        target = queue.popleft()
        path, _, query = target.partition("?")
        kind = kind_of(path, query)
        if target in visited or seen_kinds.get(kind, 0) >= SAMPLES_PER_KIND:
            continue
        head = page.request.get(origin + target, max_redirects=0)
        if head.status >= 300 or "text/html" not in head.headers.get("content-type", ""):
            continue
        seen_kinds[kind] = seen_kinds.get(kind, 0) + 1
        response = page.goto(target)
        assert response is not None and response.status < 500, target
        visited.append(target)
        queue.extend(links_on(page, origin))
    return visited


@pytest.mark.parametrize("role", list(ROLES))
def test_every_reachable_page_reflows_and_passes_checks(role, page, live_server, axe, check_html):
    email = ROLES[role]
    start = "/"
    if email:
        sign_in(page, email)
        start = urlsplit(page.url).path
    visited = crawl(page, live_server.url, start)
    assert len(visited) >= 3, visited

    problems = []
    for target in visited:
        page.goto(target)
        for width in WIDTHS:
            extra = too_wide(page, width)
            if extra > 0:
                culprits = ", ".join(page.evaluate(_STICKING_OUT))
                problems.append(f"{target} at {width}px: {extra}px too wide ({culprits})")
            results = axe.run(page, options=WCAG_22_AA)
            if results.violations_count:
                problems.append(f"{target} at {width}px: {results.generate_report()}")
    assert not problems, f"{len(visited)} pages visited:\n" + "\n".join(problems)
    check_html()
