"""A team lead works a Monday-morning queue in Chromium (issue #16): takes the next case,
assigns five at once, finds a closed case by a word from its conversation, merges two
duplicates and reads the report by person; every page at 1280 and 320 pixels wide."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.requests import services
from tests.browser.helpers import sign_in

WIDTHS = (1280, 320)


def _duplicates(live_server) -> tuple[str, str]:
    """The demo member asks the same thing twice."""
    with live_server.app.app_context():
        member = db.session.scalar(select(User).where(User.email == "member@demo.test"))
        first = services.submit_request(
            "query", requester=member, subject="CPD record not saving",
            body="I add my hours and they disappear.").request
        second = services.submit_request(
            "query", requester=member, subject="CPD record still not saving",
            body="Tried again today; still empty.").request
        references = first.reference, second.reference
        db.session.commit()
        db.session.remove()
    return references


def _erasure(live_server) -> int:
    from portal.privacy import services as privacy

    with live_server.app.app_context():
        member = db.session.scalar(select(User).where(User.email.like("%@example.demo.test"))
                                   .order_by(User.id))
        row_id = privacy.request_erasure(member, "Moving abroad").id
        db.session.commit()
        db.session.remove()
    return row_id


def test_a_team_lead_works_the_queue(page, live_server, check_accessible, check_html):
    def checked(p) -> None:
        """Zero axe violations and no sideways scroll at each width."""
        p.wait_for_load_state("load")
        for width in WIDTHS:
            p.set_viewport_size({"width": width, "height": 900})
            check_accessible(p)
            wide = p.evaluate("""() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 8)""")
            assert p.evaluate(
                "document.documentElement.scrollWidth <= window.innerWidth"), (p.url, width, wide)
        p.set_viewport_size({"width": 1280, "height": 900})

    first_dup, second_dup = _duplicates(live_server)
    erasure_id = _erasure(live_server)
    sign_in(page, "admin@demo.test")  # Alex Morgan, who leads the membership team
    page.goto("/staff/queue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Queue: Membership")
    checked(page)

    # Take the next one: the most urgent unassigned case in the team, opened and mine.
    page.get_by_role("button", name="Take the next case").click()
    expect(page.get_by_text("is now assigned to you")).to_be_visible()
    expect(page.get_by_label("Assigned to")).to_have_value(
        page.evaluate("document.querySelector('#assign-assignee option:checked').value"))
    taken = page.url.rsplit("/", 1)[-1]
    checked(page)

    # Assign five to a colleague at once.
    page.goto("/staff/queue?team=all&assignee=unassigned")
    boxes = page.locator("input[name=selected]")
    expect(boxes.first).to_be_visible()
    chosen = []
    for n in range(5):
        box = boxes.nth(n)
        chosen.append(box.get_attribute("value"))
        box.check()
    page.get_by_label("Action").select_option("assign")
    page.get_by_label("Person (to assign)").select_option(label="Jordan Lee")
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.get_by_text("Done for 5 case(s)")).to_be_visible()
    checked(page)
    page.goto("/staff/queue?team=all&assignee=anyone")
    for reference in chosen:
        expect(page.locator(f"tr[data-reference='{reference}']")).to_contain_text("Jordan Lee")
    assert taken not in chosen

    # Find a closed case by a word from its conversation.
    page.get_by_role("link", name="Find any case, open or closed").click()
    page.get_by_label("Reference, name, email or words").fill("refunded")
    page.get_by_label("Open or closed").select_option("closed")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("heading", name="Cases found")).to_be_visible()
    first_found = page.locator("table.cases tbody tr").first
    expect(first_found).to_contain_text(re.compile("Resolved|Closed"))
    checked(page)
    first_found.get_by_role("link").first.click()
    expect(page.get_by_text("refunded the difference").first).to_be_visible()

    # Merge two duplicates.
    page.goto(f"/staff/requests/{second_dup}")
    page.get_by_role("link", name="Merge a duplicate into this case").click()
    checked(page)
    page.get_by_label(first_dup, exact=False).check()
    page.get_by_role("button", name=f"Merge into {second_dup}").click()
    expect(page.get_by_text(f"Merged {first_dup} into {second_dup}")).to_be_visible()
    expect(page.get_by_text(f"merged {first_dup} into this case")).to_be_visible()
    checked(page)

    # The report by person.
    page.goto("/staff/performance")
    page.get_by_role("link", name="person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Charter performance by person")
    expect(page.get_by_role("row", name="All")).to_be_visible()
    expect(page.locator("table.figures")).to_contain_text("Sam Patel")
    checked(page)

    page.goto("/staff/keyboard")
    checked(page)

    # Erasing asks first, and says what will be lost.
    page.goto(f"/staff/erasure-requests/{erasure_id}")
    expect(page.get_by_text("This cannot be undone.")).to_be_visible()
    checked(page)
    page.get_by_role("button", name="Erase this person's data permanently").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick the box to confirm the erasure.")
    checked(page)
    check_html()
