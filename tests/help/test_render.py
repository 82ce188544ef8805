"""Article HTML is safe whatever staff (or an imported file) write in it (issue #18)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from portal.help.render import article_html, plain_text

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<div onmouseover=\"alert(1)\">hover</div>",
    "<svg onload=alert(1)>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<style>body{display:none}</style>",
    "<a href='x' style='position:fixed'>x</a>",
    "[x](https://ok.example \"t\" onclick=alert(1))",
    "<<script>script>alert(1)<</script>/script>",
    "<form action=https://evil.example><input name=p></form>",
]


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


SAFE_TAGS = {"a", "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
             "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td"}


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_renders_without_script_handlers_or_script_links(text):
    for tag, attrs in _Elements(str(article_html(text))).elements:
        assert tag in SAFE_TAGS, tag
        assert not any(name.startswith("on") for name in attrs), attrs
        assert "style" not in attrs and "src" not in attrs
        # A scheme a browser would recognise must be one of ours; anything else is a relative
        # path (a percent-encoded tab is not part of a scheme).
        href = "".join((attrs.get("href") or "").split()).lower()
        scheme = re.match(r"^([a-z][a-z0-9+.-]*):", href)
        assert scheme is None or scheme.group(1) in {"http", "https", "mailto", "tel"}, href


def test_ordinary_markdown_keeps_its_shape():
    html = str(article_html("# Title\n\nSome **bold** and [a link](https://example.org).\n\n"
                            "* one\n* two\n\n| a | b |\n|---|---|\n| 1 | 2 |"))
    assert "<h2>Title</h2>" in html  # the page's own title is its only h1
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">a link</a>' in html
    assert "<li>one</li>" in html and "<td>1</td>" in html


def test_relative_links_to_other_articles_are_kept():
    assert 'href="/help/cant-sign-in"' in str(article_html("[see](/help/cant-sign-in)"))


def test_plain_text_summary_has_no_markup_and_stops_at_a_word():
    assert plain_text("## Hi & bye\n\n*some* `code`") == "Hi & bye some code"
    assert plain_text("word " * 100, limit=20) == "word word word word…"
