"""Finding articles for a question as customers write it.

The shared index (``portal.search.fulltext``) stems English and ranks, but takes words as
typed. Before it is asked, a question here loses the words that carry no meaning ("how",
"my", "cant"), gains the words articles use for the customer's own ("log in" is "sign in",
"2fa" is "two-step"), and each word the articles never use is also tried as the nearest word
they do use ("pasword" finds "password"). The original words are kept as well, so a
correction can only add to what is found.
"""

from __future__ import annotations

import difflib
import re
import time
from dataclasses import dataclass

from sqlalchemy import and_, func, select

from portal.extensions import db
from portal.help.models import ArticleStatus, HelpArticle, HelpArticleVersion
from portal.help.render import plain_text
from portal.search import fulltext

INDEX = "help_articles"

STOPWORDS = frozenset(
    """a about am an and any are as at be been but by can cant cannot could did didnt do does
    doesnt dont for from get got had has have having help how i im if in into is isnt it its
    ive just keep keeps me my need no not of on or our please so some still that the their
    them then there this to too try trying us was wasnt way we what when where which while who
    why will with wont would you your hi hello thanks thank""".split()
)

#: A customer's word (or two) and the words the articles use for it.
SYNONYMS = {
    "log in": "sign in", "logon": "sign in", "login": "sign in", "log on": "sign in",
    "logged out": "signed out", "log out": "sign out", "logout": "sign out",
    "signin": "sign in", "username": "email address", "user name": "email address",
    "2fa": "two-step", "mfa": "two-step", "2 step": "two-step", "authenticator": "two-step",
    "otp": "two-step code", "passcode": "code", "pw": "password", "passwd": "password",
    "locked out": "sign in locked", "cert": "certificate", "certs": "certificates",
    "sub": "fee", "subs": "fees", "subscription": "fee", "dd": "direct debit",
    "invoice": "receipt", "refund": "refund payment", "pay": "payment", "paid": "payment",
    "cancel": "cancel resign", "quit": "resign", "leave": "resign",
    "cpd": "cpd", "hours": "hours", "points": "hours", "credits": "hours",
    "upload": "upload add", "attach": "upload", "saving": "save",
    "email address": "email address", "e-mail": "email", "mail": "email",
    "address": "address details", "moved": "address details", "name change": "name details",
    "grade": "grade upgrade", "promote": "upgrade", "promotion": "upgrade",
    "centre": "centre", "center": "centre", "centers": "centres", "learners": "learners",
    "complain": "complaint", "unhappy": "complaint", "angry": "complaint",
    "phone": "phone call", "ring": "call", "callback": "call back",
    "job": "employer", "boss": "employer", "company": "employer organisation",
}
_PHRASE = re.compile(r"[a-z0-9][a-z0-9'\-]*")
_MIN_CORRECTABLE = 4
#: A word in more than this share of the articles (and more than the floor) is too common.
COMMON_SHARE = 0.3
COMMON_FLOOR = 12
#: How many articles (by the words' counts) a question may reach before its commonest words
#: are left out: this bounds the work of ranking on both engines.
MATCH_BUDGET = 150
MATCH_BUDGET_SHARE = 0.02
#: The rarest few words are always sent, whatever the budget.
MIN_TERMS = 3


@dataclass(frozen=True)
class Hit:
    id: int
    slug: str
    title: str
    summary: str
    body: str
    audience: str
    score: float


# ------------------------------------------------------------------ the words of a question


def _words(text: str) -> list[str]:
    return [w.replace("'", "") for w in _PHRASE.findall((text or "").lower())]


def _with_synonyms(words: list[str]) -> list[str]:
    """Each word followed by the articles' words for it (two-word phrases first)."""
    out: list[str] = []
    i = 0
    while i < len(words):
        pair = " ".join(words[i:i + 2])
        if i + 1 < len(words) and pair in SYNONYMS:
            out.extend([*words[i:i + 2], *SYNONYMS[pair].split()])
            i += 2
            continue
        out.extend([words[i], *SYNONYMS.get(words[i], "").split()])
        i += 1
    return out


class Vocabulary:
    """Every word the published articles use, with how many articles use it, rebuilt when a
    version is published. Checked with one index lookup at most every few seconds per process;
    an archived article's words linger until the next publish, which only means a correction
    may point at a word no article uses any more."""

    RECHECK_SECONDS = 3.0

    def __init__(self) -> None:
        self.signature: object = None
        self.checked_at = float("-inf")
        self.words: dict[str, int] = {}
        self.articles = 0
        self.buckets: dict[str, list[str]] = {}

    def forget(self) -> None:
        """Rebuild on the next search (this process published or archived something)."""
        self.signature, self.checked_at = None, float("-inf")

    def current(self) -> Vocabulary:
        now = time.monotonic()
        if now - self.checked_at < self.RECHECK_SECONDS:
            return self
        signature = db.session.scalar(select(func.max(HelpArticleVersion.id)))
        if signature != self.signature:
            self._rebuild()
            self.signature = signature
        self.checked_at = now
        return self

    def _rebuild(self) -> None:
        counts: dict[str, int] = {}
        articles = 0
        rows = db.session.execute(_published().with_only_columns(
            HelpArticleVersion.title, HelpArticleVersion.body, HelpArticleVersion.topics))
        for title, body, topics in rows:
            articles += 1
            for word in set(_words(f"{title} {body} {topics.replace('-', ' ')}")):
                counts[word] = counts.get(word, 0) + 1
        self.words, self.articles = counts, articles
        buckets: dict[str, list[str]] = {}
        for word in sorted(counts):
            if len(word) >= _MIN_CORRECTABLE - 1 and word.isalpha():
                buckets.setdefault(word[0], []).append(word)
        self.buckets = buckets

    def is_common(self, word: str) -> bool:
        """True for a word so many articles use that it cannot tell them apart (and makes the
        index score most of them): it is left out of the question."""
        return self.words.get(word, 0) > max(COMMON_SHARE * self.articles, COMMON_FLOOR)

    def correct(self, word: str) -> str | None:
        """The nearest word the articles use, for a word they never use; None when none is
        near enough or the word needs no correction."""
        if word in self.words or len(word) < _MIN_CORRECTABLE or not word.isalpha():
            return None
        near = [w for w in self.buckets.get(word[0], ()) if abs(len(w) - len(word)) <= 2]
        found = difflib.get_close_matches(word, near, n=1, cutoff=0.8)
        return found[0] if found else None


VOCABULARY = Vocabulary()


def question_terms(question: str, limit: int = 12) -> list[str]:
    """The words sent to the index for ``question``: meaningful words, the articles' words
    for them, and corrections of misspellings, in the order typed. Words nearly every article
    uses are dropped (unless nothing else is left), and so are the commonest of the rest
    (beyond the rarest three) once the articles they could match pass :data:`MATCH_BUDGET`:
    the index scores every article that holds any word sent, and the rarest words are the
    ones that tell articles apart."""
    vocabulary = VOCABULARY.current()
    terms: list[str] = []
    common: list[str] = []
    for word in _with_synonyms(_words(question)):
        for term in (word, vocabulary.correct(word)):
            for part in (term or "").replace("-", " ").split():
                if not part or part in STOPWORDS or part in terms or part in common:
                    continue
                (common if vocabulary.is_common(part) else terms).append(part)
        if len(terms) >= limit:
            break
    terms = terms[:limit] or common[:2]
    budget = max(MATCH_BUDGET, MATCH_BUDGET_SHARE * vocabulary.articles)
    kept, spent = set(), 0
    for term in sorted(terms, key=lambda t: vocabulary.words.get(t, 0)):
        spent += vocabulary.words.get(term, 0)
        if len(kept) >= MIN_TERMS and spent > budget:
            break
        kept.add(term)
    return [t for t in terms if t in kept]


# ------------------------------------------------------------------------------ searching


def _published():
    return (
        select(HelpArticle.id)
        .join(HelpArticleVersion, and_(HelpArticleVersion.article_id == HelpArticle.id,
                                       HelpArticleVersion.number == HelpArticle.published_number))
        .where(HelpArticle.status == ArticleStatus.PUBLISHED)
    )


def search_articles(question: str, audiences: list[str] | None = None,
                    limit: int = 10, max_terms: int = 12) -> list[Hit]:
    """Published articles for ``question``, best first, for these audiences (all when None)."""
    terms = question_terms(question, max_terms)
    if not terms:
        return []
    found = fulltext.matches(INDEX, " ".join(terms)).subquery()
    query = (
        _published()
        .with_only_columns(HelpArticle.id, HelpArticle.slug, HelpArticleVersion.title,
                           HelpArticleVersion.body, HelpArticleVersion.audience, found.c.score)
        .join(found, found.c.key == HelpArticle.id)
        .order_by(found.c.score.desc(), HelpArticle.id)
        .limit(limit)
    )
    if audiences is not None:
        query = query.where(HelpArticleVersion.audience.in_(audiences))
    return [
        Hit(row.id, row.slug, row.title, plain_text(row.body, 160), row.body, row.audience,
            row.score)
        for row in db.session.execute(query)
    ]


def index_version(version: HelpArticleVersion) -> None:
    """Put a published version into the index, with its topics as words of its body."""
    topics = " ".join(t.replace("-", " ") for t in version.topic_list)
    fulltext.put(INDEX, version.article_id, version.title, f"{plain_text(version.body, 10**6)}"
                 f" {topics}")
    VOCABULARY.forget()


def unindex(article_id: int) -> None:
    fulltext.remove(INDEX, article_id)
    VOCABULARY.forget()
