"""What the staff pages of the help centre show: every article with its state, those past
review (their owners' first), what people searched for and did not find, and which articles
people read and then asked about anyway: what to write or improve next."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from portal.help import services
from portal.help.models import AUDIENCE_LABELS, STATUS_LABELS, ArticleStatus

REPORT_DAYS = 90


def overview(user_id: int, today: date, now: datetime, status: str = "") -> dict:
    articles = services.all_articles(status or None)
    overdue = services.past_review(today)
    return {
        "articles": articles,
        "status": status if status in set(ArticleStatus) else "",
        "status_labels": STATUS_LABELS,
        "audiences": AUDIENCE_LABELS,
        "mine_overdue": [a for a in overdue if a.owner_id == user_id],
        "others_overdue": [a for a in overdue if a.owner_id != user_id],
        "today": today,
        "misses": services.searches_that_found_nothing(now, REPORT_DAYS),
        "outcomes": services.article_outcomes(now, REPORT_DAYS),
        "counts": services.first_contact_counts(now - timedelta(days=REPORT_DAYS), now),
        "report_days": REPORT_DAYS,
    }


def fields_from(form) -> services.ArticleFields:
    return services.ArticleFields(
        title=form.title.data or "", body=form.body.data or "", audience=form.audience.data,
        topics=form.topics.data or "", slug=form.slug.data or "",
        owner_id=form.owner_id.data or None, review_by=form.review_by.data,
    )


def save_article(article, form, by_id: int) -> tuple[object, str]:
    """Create or change an article from the staff form, publishing it when asked; returns the
    article and what to tell the person. HelpError when the rules refuse."""
    values = fields_from(form)
    if article is None:
        article = services.create_article(values, by_id)
    else:
        services.save_draft(article, values, by_id)
    if not form.publish.data:
        return article, "Draft saved. The public sees it only when it is published."
    version = services.publish(article, by_id, note=form.note.data or "")
    if version is None:
        return article, "Nothing has changed since the published version."
    return article, f"Published as version {version.number}."
