"""HTML-only mail turned into plain text for the timeline (issue #10).

Nothing from an email is ever rendered as HTML: the result is plain text, shown escaped like
anything else a customer typed. Scripts, styles and the document head are dropped; block
elements and ``<br>`` become line breaks, so paragraphs survive; a link keeps its target as
text after the link words, because "click here" alone tells staff nothing.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_HIDDEN = {"script", "style", "head", "title", "noscript", "template", "object", "iframe", "svg"}
_PARAGRAPH = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "pre"}
_LINE = {
    "div", "tr", "li", "dt", "dd", "dl", "hr", "section", "article", "header", "footer",
    "address", "form", "fieldset", "caption",
}  # fmt: skip
_LINK_SCHEMES = ("http://", "https://", "mailto:", "tel:")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden: list[str] = []  # open hidden elements, innermost last
        self.links: list[tuple[str, int]] = []  # (href, index in parts where its text began)
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            # Some mail never closes <head>; whatever follows <body> is meant to be read.
            self.hidden.clear()
            return
        if tag in _HIDDEN:
            self.hidden.append(tag)
            return
        if self.hidden:
            return
        if tag == "br":
            self.parts.append("\n")
        elif tag in _PARAGRAPH:
            self._break(2)
        elif tag in _LINE:
            self._break(1)
        if tag == "pre":
            self.pre += 1
        elif tag == "li":
            self.parts.append("- ")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        elif tag == "img":
            alt = (dict(attrs).get("alt") or "").strip()
            if alt:
                self.parts.append(f"[image: {alt}]")
        elif tag == "a":
            href = (dict(attrs).get("href") or "").strip()
            self.links.append((href, len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            if tag in self.hidden:
                while self.hidden.pop() != tag:
                    pass
            return
        if self.hidden:
            return
        if tag == "a" and self.links:
            href, start = self.links.pop()
            words = "".join(self.parts[start:]).strip()
            if href.lower().startswith(_LINK_SCHEMES) and not _same_target(words, href):
                self.parts.append(f" ({href})" if words else href)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self._break(2)
        elif tag in _PARAGRAPH:
            self._break(2)
        elif tag in _LINE and tag != "li":  # the next item or block starts its own line
            self._break(1)

    def _break(self, lines: int) -> None:
        """End the current line with at least ``lines`` line breaks (blocks do not stack)."""
        tail = "".join(self.parts[-4:])
        have = tail[len(tail.rstrip(" \n")) :].count("\n")
        if have < lines:
            self.parts.append("\n" * (lines - have))

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        # Outside <pre>, a line break in HTML source is only a space.
        self.parts.append(data if self.pre else re.sub(r"\s+", " ", data))


def _same_target(words: str, href: str) -> bool:
    bare = href.split(":", 1)[1] if href.lower().startswith(("mailto:", "tel:")) else href
    return words in (href, bare)


def html_to_text(html: str) -> str:
    """Readable plain text from an HTML email body."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
