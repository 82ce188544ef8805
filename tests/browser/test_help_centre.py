"""Journeys through the help centre (issue #18): a visitor's question answered by a suggested
article with nothing sent; a visitor who still needs to ask comes back to everything typed; a
member who ignores the suggestions sends their question as written. Every page at 320 and
1280 pixels: no sideways scroll, no axe violations, no HTML errors."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import func, select

from portal.extensions import db
from portal.help.models import EventKind, HelpEvent
from portal.requests.models import ServiceRequest
from tests.browser.helpers import sign_in

WIDTHS = (320, 1280)
SUGGESTED_WITHIN_MS = 5000


def _checked_at_both_widths(check_accessible):
    def _check(page) -> None:
        page.wait_for_load_state("load")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            wide = page.evaluate(
                "Array.from(document.querySelectorAll('body *')).filter(e => "
                "e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
                ".slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id)")
            assert overflow <= 0, f"{page.url} is {overflow}px too wide at {width}px: {wide}"
            check_accessible(page)

    return _check


def _in_db(live_server, query):
    with live_server.app.app_context():
        value = db.session.scalar(query)
        db.session.remove()
        return value


def _requests_from(live_server, email: str) -> int:
    return _in_db(live_server, select(func.count(ServiceRequest.id))
                  .where(ServiceRequest.requester_email == email))


def _answered(live_server) -> int:
    return _in_db(live_server, select(func.count(HelpEvent.id))
                  .where(HelpEvent.kind == EventKind.ANSWERED))


def _ask_as_visitor(page, email: str, subject: str, body: str) -> None:
    page.goto("/contact/question")
    page.get_by_label("Your name").fill("Jo Visitor")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Your question").fill(body)


def test_a_visitor_is_answered_by_a_suggested_article(page, live_server, check_accessible,
                                                       check_html):
    check = _checked_at_both_widths(check_accessible)
    page.goto("/help/")
    check(page)
    page.get_by_label("Search the help centre").fill("pasword reset")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Reset a forgotten password").first).to_be_visible()
    check(page)

    _ask_as_visitor(page, "jo@example.org", "cant log in", "I forgot my pasword yesterday")
    suggestions = page.locator("[data-help-suggest]")
    expect(suggestions).to_be_visible(timeout=SUGGESTED_WITHIN_MS)
    article = suggestions.get_by_role("link", name="Reset a forgotten password")
    expect(article).to_be_visible()
    check(page)
    before = _answered(live_server)
    article.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset a forgotten password")
    check(page)
    page.get_by_role("button", name="This answered my question").click()
    expect(page.get_by_text("Nothing has been sent")).to_be_visible()
    check(page)
    assert _answered(live_server) == before + 1
    assert _requests_from(live_server, "jo@example.org") == 0
    check_html()


def test_a_visitor_who_still_needs_to_ask_keeps_everything_typed(page, live_server,
                                                                  check_accessible):
    _ask_as_visitor(page, "kim@example.org", "two-step code refused",
                    "My authenticator code is refused since I changed phone.")
    suggestions = page.locator("[data-help-suggest]")
    expect(suggestions).to_be_visible(timeout=SUGGESTED_WITHIN_MS)
    suggestions.get_by_role("link").first.click()
    page.get_by_role("link", name="I still need to ask").click()
    expect(page.get_by_label("Your question")).to_have_value(
        "My authenticator code is refused since I changed phone.")
    expect(page.get_by_label("Email address")).to_have_value("kim@example.org")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/contact/received")
    assert _requests_from(live_server, "kim@example.org") == 1
    asked_anyway = _in_db(live_server, select(func.count(HelpEvent.id))
                          .where(HelpEvent.kind == EventKind.ASKED_ANYWAY))
    assert asked_anyway == 1


def test_a_member_ignores_the_suggestions_and_the_request_is_sent_as_written(
        page, live_server, check_accessible, check_html):
    check = _checked_at_both_widths(check_accessible)
    sign_in(page, "member@demo.test")
    page.goto("/member/requests/new/question")
    body = ("I add my CPD hours for the conference on 12 November and press save, "
            "but the total does not change.\nIs something wrong with my record?")
    page.get_by_label("Subject").fill("CPD hours not saving")
    page.get_by_label("Your question").fill(body)
    suggestions = page.locator("[data-help-suggest]")
    expect(suggestions.get_by_role("link", name="Record your CPD hours")).to_be_visible(
        timeout=SUGGESTED_WITHIN_MS)
    check(page)
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/sent")
    check(page)
    with live_server.app.app_context():
        made = db.session.scalar(select(ServiceRequest).order_by(ServiceRequest.id.desc()))
        assert (made.subject, made.body.replace("\r\n", "\n")) == ("CPD hours not saving", body)
        db.session.remove()
    check_html()


def test_staff_help_pages(page, live_server, check_accessible, check_html):
    check = _checked_at_both_widths(check_accessible)
    sign_in(page, "support@demo.test")
    page.goto("/staff/help")
    check(page)
    page.get_by_role("link", name="Record your CPD hours").first.click()
    check(page)
    page.get_by_label("Text").fill("Record each activity with its hours.\n\n## Not saving?\n\n"
                                   "Check the hours are a number.")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published as version 2.")).to_be_visible()
    page.get_by_role("link", name="Every published version").click()
    check(page)
    page.goto("/staff/help/new")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    check(page)
    check_html()


def test_without_javascript_the_articles_come_as_a_step_before_sending(
        browser, live_server, check_html):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        _ask_as_visitor(page, "lee@example.org", "Renewing membership late",
                        "My renewal date passed last week. Can I still renew?")
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Before you send: these may answer it")
        expect(page.get_by_role("heading", name="Renew your membership")).to_be_visible()
        assert _requests_from(live_server, "lee@example.org") == 0
        page.get_by_role("button", name="I still need to ask: send my question").click()
        page.wait_for_url("**/contact/received")
        with live_server.app.app_context():
            made = db.session.scalar(select(ServiceRequest).where(
                ServiceRequest.requester_email == "lee@example.org"))
            assert made.body.replace("\r\n", "\n") == (
                "My renewal date passed last week. Can I still renew?")
            db.session.remove()
    finally:
        context.close()
    check_html()


def test_the_before_you_send_step_is_accessible(page, live_server, check_accessible):
    # axe needs scripts, so this reaches the step the way a browser whose script did not run
    # would: with the "suggestions seen" marker empty.
    check = _checked_at_both_widths(check_accessible)
    _ask_as_visitor(page, "max@example.org", "CPD audit", "What evidence do I send for the audit?")
    page.evaluate("document.querySelector('[name=help_checked]').value = ''")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Before you send: these may answer it")
    page.get_by_text("Read the whole article").first.click()
    check(page)
    page.get_by_role("button", name="This answered my question").first.click()
    expect(page.get_by_text("Nothing has been sent")).to_be_visible()
    assert _requests_from(live_server, "max@example.org") == 0
