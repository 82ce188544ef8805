"""Article Markdown to HTML that is safe to show anyone.

Staff write Markdown; raw HTML in it is not passed through (markdown-it's ``html`` option is
off), and the result is cleaned again by nh3 with a short list of tags and attributes, so no
script, event handler, style or ``javascript:`` link reaches a page whatever an article says.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_MD.enable("table")

TAGS = {
    "a", "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td",
}
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
_HEADING = re.compile(r"<(/?)h1>")


@lru_cache(maxsize=512)
def _render(text: str) -> str:
    rendered = _MD.render(text or "")
    # The page's own title is its only h1; an article's top headings become h2.
    rendered = _HEADING.sub(r"<\1h2>", rendered)
    return nh3.clean(rendered, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer")


def article_html(text: str) -> Markup:
    """The article's body as HTML, sanitised; safe to mark as such in a template."""
    return Markup(_render(text))  # noqa: S704 - cleaned by nh3 in _render


def plain_text(text: str, limit: int = 200) -> str:
    """The first words of the article without Markdown, for a summary under its title."""
    words = html.unescape(nh3.clean(_render(text), tags=set())).split()
    summary = " ".join(words)
    if len(summary) <= limit:
        return summary
    return summary[:limit].rsplit(" ", 1)[0] + "…"
