"""Writing, publishing and archiving articles; every published version kept (issue #18)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.help import search, services
from portal.help.models import ArticleStatus, EventKind, HelpEvent


def _slugs(question, audiences=None):
    return [hit.slug for hit in search.search_articles(question, audiences)]


def test_a_draft_is_not_public_until_published(app, make_user):
    staff = make_user("staff")
    article = services.create_article(
        services.ArticleFields("Renew your membership", "Pay your renewal fee.", "members"),
        staff.id)
    assert article.slug == "renew-your-membership" and article.status == ArticleStatus.DRAFT
    assert _slugs("renewal fee") == []
    version = services.publish(article, staff.id)
    assert version.number == 1 and article.status == ArticleStatus.PUBLISHED
    assert _slugs("renewal fee") == ["renew-your-membership"]


def test_edits_stay_a_draft_and_each_publish_keeps_a_version_with_who_and_what(
        app, make_user, publish_article):
    author, editor = make_user("staff"), make_user("staff")
    article = publish_article(title="Renew your membership", body="Pay by card.")
    services.save_draft(article, services.ArticleFields(
        "Renew your membership", "Pay by direct debit.", "members", topics="sign-in",
        slug=article.slug), editor.id)
    assert services.unpublished_changes(article) == ["text", "audience"]
    assert _slugs("direct debit") == []  # the public still reads version 1
    version = services.publish(article, editor.id, note="Direct debit is live")
    assert (version.number, version.changes, version.published_by_id) == (
        2, "text, audience", editor.id)
    assert _slugs("direct debit") == ["renew-your-membership"]
    assert [v.number for v in article.versions] == [2, 1]
    assert article.versions[1].body.strip() == "Pay by card."
    assert services.publish(article, author.id) is None  # nothing changed: no new version


def test_archiving_takes_an_article_out_of_search_and_keeps_its_versions(app, publish_article):
    article = publish_article()
    services.archive(article, None)
    assert _slugs("password") == [] and len(article.versions) == 1


def test_two_articles_cannot_share_an_address(app, publish_article):
    publish_article()
    with pytest.raises(services.HelpError, match="already has the address"):
        services.create_article(services.ArticleFields(
            "Reset a forgotten password", "Another text"), None)


@pytest.mark.parametrize("slug", ["suggest", "answered", "Not A Slug", "a--b"])
def test_reserved_or_malformed_addresses_are_refused(app, slug):
    with pytest.raises(services.HelpError):
        services.create_article(services.ArticleFields("Title", "Text", slug=slug), None)


def test_articles_past_review_are_listed_for_their_owner(app, make_user, publish_article):
    owner, other = make_user("staff"), make_user("staff")
    today = date(2026, 11, 30)
    publish_article(title="Old", body="x", owner_id=owner.id, review_by=today - timedelta(1))
    publish_article(title="Fresh", body="y", owner_id=owner.id, review_by=today)
    publish_article(title="Someone else's", body="z", owner_id=other.id,
                    review_by=today - timedelta(30))
    assert [a.title for a in services.past_review(today, owner.id)] == ["Old"]
    assert services.past_review_counts(today, owner.id) == (2, 1)


def test_audiences_narrow_what_is_found(app, publish_article):
    publish_article(title="Upload learners", body="CSV learners upload", audience="centres")
    assert _slugs("upload learners", ["everyone", "members"]) == []
    assert _slugs("upload learners", ["everyone", "centres"]) == ["upload-learners"]


def test_answered_and_asked_anyway_are_counted_for_the_charter_report(app, publish_article):
    article = publish_article()
    assert services.record_answered(article.id, "visitor", "query") is True
    assert services.record_answered(999999, "visitor", "query") is False
    now = datetime.now(UTC)
    assert services.first_contact_counts(now - timedelta(hours=1), now + timedelta(hours=1)) == {
        "answered": 1, "asked_anyway": 0}
    services.archive(article, None)
    assert services.record_answered(article.id, "visitor", "query") is False


def test_asked_anyway_is_kept_once_per_request_and_article(app, publish_article, make_user):
    from portal.requests.models import Kind
    from portal.requests.services import submit_request

    article = publish_article()
    member = make_user("member")
    made = submit_request(Kind.QUERY, subject="s", body="b", requester=member).request
    assert services.record_asked_anyway([article.id, 424242], made.id, "member", "query") == 1
    assert services.record_asked_anyway([article.id], made.id, "member", "query") == 0
    assert db.session.scalar(select(func.count(HelpEvent.id)).where(
        HelpEvent.kind == EventKind.ASKED_ANYWAY)) == 1


def test_searches_that_found_nothing_are_grouped_most_asked_first(app):
    for question in ("pension", "pension", "parking"):
        services.record_search_miss(question)
    rows = services.searches_that_found_nothing(datetime.now(UTC))
    assert [(r.query, r.times) for r in rows] == [("pension", 2), ("parking", 1)]
