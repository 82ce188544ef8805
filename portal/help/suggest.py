"""Suggestions on the question forms: the three best articles for what has been typed, and
the "Before you send: these may answer it" step for people without JavaScript.

A form takes part when its class says ``suggests_help``. The step is skipped once the person
has seen suggestions (live, or on the step itself: ``help_checked``) and when files are
attached, because files cannot be carried through a page without being chosen again.
"""

from __future__ import annotations

from portal.help import search, services

SUGGESTIONS = 3
#: The subject's words come first, so a few words of the body are enough to rank by.
SUGGESTION_TERMS = 8
BODY_WORDS = 40
_SKIP = {"csrf_token", "submit", "help_checked", "help_read"}


def question_text(subject: str, body: str) -> str:
    """The subject and the first words of the question: what suggestions are found for."""
    return f"{subject or ''} {' '.join((body or '').split()[:BODY_WORDS])}".strip()


def suggestions(subject: str, body: str, audiences: list[str]) -> list[search.Hit]:
    return search.search_articles(question_text(subject, body), audiences, limit=SUGGESTIONS,
                                  max_terms=SUGGESTION_TERMS)


def _text_of(form, name: str) -> str:
    return form[name].data or "" if name in form else ""


def before_you_send(form, audiences: list[str]) -> list[search.Hit]:
    """The articles to show before this form's request is made; [] to send it at once."""
    if not getattr(form, "suggests_help", False) or form.help_checked.data or form.uploads:
        return []
    return suggestions(_text_of(form, "subject"), _text_of(form, "body"), audiences)


def read_ids(form) -> list[int]:
    """The articles the person opened (or was shown) before sending, from ``help_read``."""
    field = getattr(form, "help_read", None)
    raw = (field.data or "") if field is not None else ""
    ids = [int(part) for part in raw.split(",")[:10] if part.strip().isdigit()]
    return [i for i in dict.fromkeys(ids) if 0 < i < 2**31]


def after_submit(form, request_id: int, who: str) -> None:
    """Record the articles this request was sent in spite of."""
    ids = read_ids(form)
    if ids:
        services.record_asked_anyway(ids, request_id, who, form.kind.value)


def hidden_values(form) -> list[tuple[str, str]]:
    """Everything typed, as (name, value) pairs the step re-sends so nothing is lost."""
    pairs: list[tuple[str, str]] = []
    for field in form:
        if field.name in _SKIP or field.type in {"FileField", "MultipleFileField"}:
            continue
        if field.type == "BooleanField":
            if field.data:
                pairs.append((field.name, "y"))
        elif isinstance(field.data, list):
            pairs.extend((field.name, str(value)) for value in field.data)
        elif field.type in {"SelectField", "RadioField"}:
            pairs.append((field.name, "" if field.data is None else str(field.data)))
        else:
            pairs.append((field.name, field._value()))
    return pairs
