"""The public help centre, suggestions on the question forms, and the staff pages (issue #18)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.help.models import EventKind, HelpArticle, HelpEvent, HelpSearchMiss
from portal.requests.models import ServiceRequest

VISITOR_QUESTION = {
    "full_name": "Ann Visitor", "email": "ann@example.org",
    "subject": "cant log in", "body": "I forgot my pasword and the reset email never came.",
}


def _count(model, *where):
    db.session.rollback()
    return db.session.scalar(select(func.count(model.id)).where(*where))


def _text(response) -> str:
    return response.get_data(as_text=True)


# ------------------------------------------------------------------------ the help centre


def test_the_help_centre_lists_searches_and_filters(client, demo_articles):
    assert "Reset a forgotten password" in _text(client.get("/help/"))
    found = _text(client.get("/help/?q=cant+log+in"))
    assert "If you cannot sign in" in found
    cpd = _text(client.get("/help/?topic=cpd"))
    assert "Record your CPD hours" in cpd and "Becoming an approved centre" not in cpd
    centres = _text(client.get("/help/?audience=centres"))
    assert "Becoming an approved centre" in centres and "Record your CPD hours" not in centres


def test_a_search_that_finds_nothing_is_kept_for_staff(client, demo_articles):
    assert "Nothing found" in _text(client.get("/help/?q=xylophone+recital"))
    assert _count(HelpSearchMiss) == 1


@pytest.mark.parametrize("url", [
    "/help/?q=" + "x" * 5000, "/help/?q=%00%ff", "/help/?topic=%3Cscript%3E&audience=martians",
    "/help/?q=a&q=b", "/help/suggest?q=%22%20OR%20*",
    "/help/suggest?q=NEAR(a+b)&ask=//evil.example",
    "/help/" + "a" * 300, "/help/cant-sign-in?ask=https://evil.example&form=<b>",
])
def test_odd_input_never_breaks_a_page(client, demo_articles, url):
    response = client.get(url)
    assert response.status_code in (200, 400, 404)  # 400: the input guard refuses a NUL
    assert 'href="https://evil' not in _text(response)
    assert 'href="//evil' not in _text(response)


def test_an_article_has_a_stable_address_and_drafts_are_not_public(client, demo_articles,
                                                                   publish_article):
    page = _text(client.get("/help/two-step-sign-in"))
    assert "<h1>Two-step sign-in: codes, new phones and recovery codes</h1>" in page
    assert "Did this answer your question?" not in page  # only when reached from a question
    from portal.help import services

    draft = services.create_article(services.ArticleFields("Secret draft", "Not yet"), None)
    db.session.commit()
    assert client.get(f"/help/{draft.slug}").status_code == 404


# ----------------------------------------------------------------------- the suggestions


def test_suggestions_are_for_the_askers_audience(client, signed_in_as, demo_articles):
    visitor = _text(client.get("/help/suggest?q=upload+learners+csv"))
    assert "Add learners and record completions" not in visitor
    centre, _ = signed_in_as("centre")
    assert "Add learners and record completions" in _text(
        centre.get("/help/suggest?q=upload+learners+csv"))
    assert _text(client.get("/help/suggest?q=a")).strip() == ""


def test_a_visitor_without_javascript_sees_articles_before_sending_and_is_answered(
        client, demo_articles):
    step = client.post("/contact/question", data=VISITOR_QUESTION)
    page = _text(step)
    assert "Before you send: these may answer it" in page
    assert "If you cannot sign in" in page
    assert _count(ServiceRequest) == 0
    article_id = re.search(r'name="article_id" value="(\d+)"', page).group(1)
    done = client.post("/help/answered", data={"article_id": article_id, "form_kind": "query"})
    assert "Nothing has been sent" in _text(done)
    client.post("/help/answered", data={"article_id": article_id, "form_kind": "query"})
    assert _count(HelpEvent, HelpEvent.kind == EventKind.ANSWERED) == 1  # once per visit
    assert _count(ServiceRequest) == 0


def test_i_still_need_to_ask_sends_everything_typed(client, demo_articles):
    page = _text(client.post("/contact/question", data=VISITOR_QUESTION))
    resend = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"',
                             page.split('enctype="multipart/form-data"')[1]))
    assert resend["help_checked"] == "1"
    response = client.post("/contact/question", data=resend)
    assert response.status_code == 302
    db.session.rollback()
    made = db.session.scalar(select(ServiceRequest))
    assert (made.subject, made.body) == (VISITOR_QUESTION["subject"], VISITOR_QUESTION["body"])
    assert _count(HelpEvent, HelpEvent.kind == EventKind.ASKED_ANYWAY) == 3


def test_a_member_with_live_suggestions_sends_at_once_with_articles_read(
        signed_in_as, demo_articles):
    client, _ = signed_in_as("member")
    article = db.session.scalar(select(HelpArticle).where(
        HelpArticle.slug == "record-your-cpd-hours"))
    response = client.post("/member/requests/new/question", data={
        "subject": "CPD hours not saving", "body": "Every time I save it disappears.",
        "help_checked": "1", "help_read": f"{article.id},junk,99999"})
    assert response.status_code == 302
    assert _count(ServiceRequest) == 1
    events = db.session.execute(select(HelpEvent.kind, HelpEvent.article_id)).all()
    assert events == [(EventKind.ASKED_ANYWAY, article.id)]


def test_a_request_with_files_or_of_another_kind_goes_straight_through(signed_in_as,
                                                                        demo_articles):
    client, _ = signed_in_as("member")
    response = client.post("/member/requests/new/complaint", data={
        "subject": "cant log in", "body": "Nobody helped me reset my password.",
        "outcome": "An apology."})
    assert response.status_code in (200, 302)
    assert "Before you send" not in _text(response)


@pytest.mark.parametrize("role,path", [("employer", "/employer/requests/new"),
                                       ("centre", "/centre/requests/new")])
def test_organisation_question_forms_suggest_too(signed_in_as, demo_articles, role, path):
    client, _ = signed_in_as(role)
    assert "data-help-suggest" in _text(client.get(path))
    page = _text(client.post(path, data={"subject": "two-step code not accepted",
                                         "body": "My authenticator app code fails."}))
    assert "Before you send" in page and "Two-step sign-in" in page


def test_the_article_page_reached_from_a_question_offers_both_ways_on(client, demo_articles):
    page = _text(client.get("/help/cant-sign-in?ask=/contact/question&form=query"))
    assert "This answered my question" in page
    assert 'href="/contact/question" data-still-ask' in page
    elsewhere = _text(client.get("/help/cant-sign-in?ask=https://evil.example/contact/"))
    assert "Did this answer your question?" not in elsewhere


def test_answered_needs_a_published_article(client, demo_articles):
    assert client.post("/help/answered", data={"article_id": "999999"}).status_code == 404
    assert client.post("/help/answered", data={"article_id": "x"}).status_code == 400


# ------------------------------------------------------------------------ the staff pages


def test_staff_write_publish_edit_and_archive_an_article(signed_in_as):
    client, staff = signed_in_as("staff")
    new = client.post("/staff/help/new", data={
        "title": "Parking at the office", "audience": "everyone", "topics": "Visiting us",
        "owner_id": str(staff.id), "body": "Park in the *visitor* bays.", "publish": "Publish"})
    assert new.status_code == 302
    article = db.session.scalar(select(HelpArticle))
    assert "Park in the <em>visitor</em> bays." in _text(client.get("/help/parking-at-the-office"))
    client.post(f"/staff/help/{article.id}", data={
        "title": "Parking at the office", "slug": "parking-at-the-office",
        "audience": "everyone", "topics": "visiting-us", "owner_id": str(staff.id),
        "body": "Park anywhere.", "save": "Save draft"})
    assert "visitor" in _text(client.get("/help/parking-at-the-office"))  # still version 1
    client.post(f"/staff/help/{article.id}", data={
        "title": "Parking at the office", "slug": "parking-at-the-office",
        "audience": "everyone", "topics": "visiting-us", "owner_id": str(staff.id),
        "body": "Park anywhere.", "note": "Bays removed", "publish": "Publish"})
    history = _text(client.get(f"/staff/help/{article.id}/versions"))
    assert "Version 2" in history and "Bays removed" in history and staff.full_name in history
    client.post(f"/staff/help/{article.id}/archive", data={"archive": "1"})
    assert client.get("/help/parking-at-the-office").status_code == 404


def test_the_article_form_keeps_what_was_typed_on_an_error(signed_in_as, publish_article):
    client, _ = signed_in_as("staff")
    publish_article(title="Taken")
    page = _text(client.post("/staff/help/new", data={
        "title": "Taken", "audience": "everyone", "owner_id": "0", "body": "My words",
        "publish": "Publish"}))
    assert "There is a problem" in page and "already has the address" in page
    assert "My words" in page


def test_customers_cannot_reach_the_staff_pages(signed_in_as):
    client, _ = signed_in_as("member")
    assert client.get("/staff/help").status_code in (302, 403, 404)


def test_staff_see_past_review_misses_and_asked_anyway(signed_in_as, publish_article, client):
    from datetime import date

    staff_client, staff = signed_in_as("staff")
    publish_article(title="Old fees", body="fees", owner_id=staff.id, review_by=date(2020, 1, 1))
    client.get("/help/?q=pension")
    dashboard = _text(staff_client.get("/staff/"))
    assert "1 help article past its review date, 1 of them yours" in dashboard
    page = _text(staff_client.get("/staff/help"))
    assert "Yours to review" in page and "Old fees" in page and "pension" in page


def test_the_charter_report_counts_questions_answered_by_an_article(signed_in_as, client,
                                                                    publish_article):
    article = publish_article()
    client.post("/help/answered", data={"article_id": str(article.id), "form_kind": "query"})
    staff_client, _ = signed_in_as("staff")
    from portal.clock import london_today

    page = _text(staff_client.get(f"/staff/performance?period=week&day={london_today()}"))
    assert re.search(r"Answered by a help article at first contact</dt><dd>1<", page)


def test_staff_insert_an_article_link_into_a_reply(signed_in_as, publish_article):
    from portal.requests.models import Kind
    from portal.requests.services import submit_request

    article = publish_article()
    member_client, member = signed_in_as("member")
    made = submit_request(Kind.QUERY, subject="Forgot my password",
                          body="Reset please", requester=member).request
    db.session.commit()
    staff_client, _ = signed_in_as("staff")
    page = _text(staff_client.get(f"/staff/requests/{made.reference}"))
    assert "Insert a link to a help article" in page and "Suggested for this request" in page
    filled = _text(staff_client.get(f"/staff/requests/{made.reference}?article={article.id}"))
    assert re.search(r"Reset a forgotten password: https?://[^\s<]+/help/reset-a-forgotten-password",
                     filled)
