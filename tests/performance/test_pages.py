"""The public performance page and its open data: no sign-in, small counts withheld,
ETag and Last-Modified with 304, corrections and notes in the open (issue 17)."""

from __future__ import annotations

import json
import re
from datetime import date

import time_machine

from portal.extensions import db
from portal.jobs.performance import publish_performance
from portal.performance import opendata, services
from tests.performance.conftest import PUBLISH_AT, utc

OCTOBER = date(2026, 10, 1)


def _published(client=None):
    publish_performance(PUBLISH_AT)
    db.session.commit()


def test_the_page_needs_no_sign_in_and_says_when_nothing_is_published(client):
    html = client.get("/charter/performance").get_data(as_text=True)
    assert "The first month has not been published yet." in html
    assert client.get("/charter/performance.json").status_code == 404
    home = client.get("/").get_data(as_text=True)
    assert 'href="/charter/performance"' in home  # the footer link
    assert 'href="/charter/performance"' in client.get("/charter").get_data(as_text=True)


def test_last_months_figures_per_promise_and_complaints(october, client):
    _published()
    html = client.get("/charter/performance").get_data(as_text=True)
    assert "Our results for October 2026" in html
    assert "Published on Monday 2 November 2026." in html
    figures = services.published_month(OCTOBER).figures
    query = next(p for p in figures["promises"] if p["code"] == "query")
    row = re.search(r"<th scope=\"row\">Reply to your question</th>(.*?)</tr>", html, re.S)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    decided = query["met"] + query["missed"]
    assert cells[0] == "3 working days"
    assert cells[1] == str(query["fell_due"])
    assert cells[2] == f"{round(query['met'] / decided * 100)}%"
    assert cells[3] == f"{query['median']:.1f} working days"
    # Feedback has fewer than 10 cases: withheld, with no percentage.
    row = re.search(r"<th scope=\"row\">Acknowledge your feedback</th>(.*?)</tr>", html, re.S)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    assert cells[1] == "fewer than 10"
    assert "%" not in "".join(cells)
    assert "Complaints received" in html and "Resolved at first contact" in html
    assert "Call back" in html and "office hours" in html
    for person in ("Person 1", "p1@example.test", "P-2026-000001"):
        assert person not in html
    assert "<svg role=\"img\"" in html and "What the figures mean" in html
    assert "Call you back: kept when we have called back and spoken to you" in html


def test_withholding_rules():
    assert [opendata.shown(n) for n in (0, 1, 9, 10, 250)] == [0, None, None, 10, 250]
    assert opendata.share(9, 9) is None and opendata.share(9, 10) == 0.9


def test_open_data_json_and_csv_with_etag_and_304(october, client):
    _published()
    response = client.get("/charter/performance.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("public") or \
        "public" in response.headers["Cache-Control"]
    etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
    document = json.loads(response.data)
    assert document["schema_version"] == 1 and document["months"][0]["month"] == "2026-10"
    feedback = next(p for p in document["months"][0]["promises"] if p["code"] == "feedback")
    assert feedback["fell_due"] is None and "fell_due" in feedback["withheld"]
    again = client.get("/charter/performance.json", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    since = client.get("/charter/performance.json", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    one = client.get("/charter/performance/2026-10.csv")
    assert one.status_code == 200 and one.mimetype == "text/csv"
    assert one.get_data(as_text=True).lstrip("\ufeff").startswith(",".join(opendata.CSV_HEADER))
    # A note changes the ETag: caches fetch again.
    services.add_note(OCTOBER, "Replies were slow", "We added a second person on Mondays")
    db.session.commit()
    changed = client.get("/charter/performance.json", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert "We added a second person on Mondays" in changed.get_data(as_text=True)
    for bad in ("/charter/performance/2026-13.json", "/charter/performance/2026-09.csv",
                "/charter/performance/<script>", "/charter/performance/1999-01"):
        assert client.get(bad).status_code == 404, bad


def test_staff_add_notes_and_publish_corrections(october, signed_in_as, client):
    _published()
    with time_machine.travel(utc(2026, 11, 10, 12), tick=False):
        staff, _ = signed_in_as("staff")
        page = staff.get("/staff/published")
        assert page.status_code == 200 and "October 2026" in page.get_data(as_text=True)
        bad = staff.post("/staff/published/notes",
                         data={"note-month": "2026-10", "note-you_said": "x"})
        assert bad.status_code == 400 and "Say what we changed." in bad.get_data(as_text=True)
        ok = staff.post("/staff/published/notes", data={
            "note-month": "2026-10", "note-you_said": "Call backs came too late in the day",
            "note-we_did": "We now ring back in the morning"})
        assert ok.status_code == 302
        same = staff.post("/staff/published/correct", data={"fix-month": "2026-10",
                                                            "fix-reason": "Check"})
        assert "nothing to correct" in same.get_data(as_text=True)
        for row in october[:5]:
            row.promise_met_at = None
        db.session.commit()
        fixed = staff.post("/staff/published/correct", data={
            "fix-month": "2026-10", "fix-reason": "Five replies had been recorded in error."})
        assert fixed.status_code == 302
        assert staff.post("/staff/published/correct", data={
            "fix-month": "2027-01", "fix-reason": "x"}).status_code == 404
    html = client.get("/charter/performance/2026-10").get_data(as_text=True)
    assert "We now ring back in the morning" in html
    assert "Five replies had been recorded in error." in html
    assert "Corrected on Tuesday 10 November 2026" in html
    member, _ = signed_in_as("member")
    assert member.get("/staff/published").status_code == 403
