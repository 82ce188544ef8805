"""For people who use a keyboard or a screen reader: after a failed submit, focus lands on
the summary of problems and each problem's link moves to its field; the staff queue lets
them skip the filters."""

from __future__ import annotations

from tests.browser.helpers import sign_in

ACTIVE = "document.activeElement"


def test_a_failed_submit_focuses_the_error_summary_and_its_links_reach_the_fields(page):
    page.goto("/account/register")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_load_state("load")
    assert page.evaluate(f"{ACTIVE}.matches('[data-error-summary]')")
    first_link = page.locator("[data-error-summary] a").first
    field_id = first_link.get_attribute("href").removeprefix("#")
    first_link.click()
    assert page.evaluate(f"{ACTIVE}.id") == field_id


def test_the_staff_queue_has_a_skip_link_to_its_results(page):
    sign_in(page, "support@demo.test")
    page.goto("/staff/queue")
    skip = page.get_by_role("link", name="Skip to the results")
    skip.focus()
    assert skip.is_visible()
    skip.press("Enter")
    assert page.evaluate(f"{ACTIVE}.id") == "queue-results"


def test_every_page_has_a_favicon_and_space_under_the_header(page):
    page.goto("/")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(icon).ok
    header_bottom = page.evaluate("document.querySelector('header').getBoundingClientRect().bottom")
    heading_top = page.evaluate("document.querySelector('main h1').getBoundingClientRect().top")
    assert heading_top - header_bottom >= 16
