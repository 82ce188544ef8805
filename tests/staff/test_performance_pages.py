"""The charter performance page and its CSV downloads (CHARTER.md section 7)."""

from __future__ import annotations

import csv
import io
import re

import pytest
import time_machine

from portal.csvsafe import safe_cell as csv_cell
from portal.extensions import db
from tests.staff.conftest import NOW

OCTOBER = "/staff/performance?period=month&day=2026-10-15"


def read_csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def staff(signed_in_as):
    """A signed-in staff client; the whole test runs at ``NOW`` (Friday 20 November 2026)."""
    with time_machine.travel(NOW, tick=False):
        yield signed_in_as("staff")[0]


def test_report_page_shows_figures_charts_and_missed(requests, staff):
    response = staff.get(OCTOBER)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h2 id=\"period-heading\">October 2026</h2>" in html
    # The query row: 6 due, 3 met, 2 missed, 0 pending, 60%, median 2 h, p90 8 h 24 min,
    # resolved first time 50%, rating 4.0 from 2.
    row = re.search(r"<th scope=\"row\">Reply to your question</th>(.*?)</tr>", html, re.S)
    cells = re.findall(r"<td class=\"num\">(.*?)</td>", row.group(1), re.S)
    assert cells[:9] == ["6", "3", "2", "0", "60%", "2 h 00 min", "8 h 24 min", "50%",
                         '4.0 of 5 <span class="muted">(2)</span>']
    assert html.count("<svg role=\"img\"") == 2
    assert "Reply to your question: 60% met on time" in html  # the chart's description
    assert "Oct 2026: 71%" in html  # trend: 5 of 7
    # Missed: linked to the staff request page, with the reason.
    reference = requests["Q3"].reference
    assert f'href="/staff/requests/{reference}"' in html
    assert "Replied 2 office hours late" in html
    assert "Still open, overdue by 30 working days and 3 office hours" in html
    assert "1 request was closed before falling due" in html


def test_default_is_this_month_and_links_move_between_periods(requests, staff):
    html = staff.get("/staff/performance").get_data(as_text=True)
    assert "November 2026" in html
    assert "/staff/performance?period=month&amp;day=2026-10-01" in html  # previous
    assert "/staff/performance?period=month&amp;day=2026-12-01" in html  # next
    week = staff.get("/staff/performance?period=week&day=2026-10-08").get_data(as_text=True)
    assert "Week beginning Monday 5 October 2026" in week
    quarter = staff.get("/staff/performance?period=quarter&day=2026-11-01").get_data(
        as_text=True
    )
    assert "October to December 2026 (quarter 4)" in quarter
    ranged = staff.get(
        "/staff/performance?period=range&start=2026-10-01&end=2026-11-30"
    ).get_data(as_text=True)
    assert "Thursday 1 October 2026 to Monday 30 November 2026" in ranged
    assert "Trend by week" in ranged


@pytest.mark.parametrize(
    ("query", "message", "kept"),
    [
        ("period=range&start=2026-13-01&end=2026-12-31",
         "Enter a real date, for example 2026-11-30.", 'value="2026-13-01"'),
        ("period=range&start=2026-12-01&end=2026-11-01",
         "The end date must be on or after the start date.", 'value="2026-11-01"'),
        ("period=range&start=&end=2026-11-01",
         "Enter the first day of the range", 'value="2026-11-01"'),
        ("period=range&start=2019-01-01&end=2026-11-01",
         "Choose a range of three years or less.", 'value="2019-01-01"'),
        ("period=month&day=tomorrow", "Enter a real date", 'value="tomorrow"'),
        ("period=decade", "Not a valid choice", ""),
    ],
)
def test_bad_periods_show_an_error_summary_and_keep_what_was_typed(staff, query, message, kept):
    response = staff.get(f"/staff/performance?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert message in html
    assert kept in html
    assert "<title>Error: Charter performance" in html
    assert "<svg" not in html


def test_only_staff_and_admins_see_the_report(app, signed_in_as, client):
    assert client.get("/staff/performance").status_code == 302
    for role in ("member", "employer", "centre"):
        assert signed_in_as(role)[0].get("/staff/performance").status_code == 403
        assert signed_in_as(role)[0].get("/staff/performance.csv").status_code == 403
    assert signed_in_as("admin")[0].get("/staff/performance").status_code == 200


def test_missed_list_pages_on(requests, staff, monkeypatch):
    from portal.staff import missed

    monkeypatch.setattr(missed, "MISSED_PAGE", 2)
    both = "/staff/performance?period=range&start=2026-10-01&end=2026-11-30"
    html = staff.get(both).get_data(as_text=True)
    assert requests["Q4"].reference in html and requests["Q6"].reference not in html
    link = re.search(r'href="([^"]*after=\d+[^"]*)"', html).group(1).replace("&amp;", "&")
    html = staff.get(link).get_data(as_text=True)
    assert requests["Q6"].reference in html and requests["B3"].reference in html
    assert requests["Q3"].reference not in html
    assert staff.get(both + "&after=999999").status_code == 404
    assert staff.get(both + "&after=x1").status_code == 404


def test_summary_csv(requests, staff):
    response = staff.get("/staff/performance.csv?period=month&day=2026-10-15")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="charter-summary-2026-10-01_to_2026-10-31.csv"'
    )
    rows = read_csv(response)
    assert rows[0][:6] == ["Promise code", "Promise", "Period from", "Period to", "Fell due",
                           "Met on time"]
    by_code = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert list(by_code) == ["callback", "query", "all"]
    query = by_code["query"]
    assert (query["Fell due"], query["Met on time"], query["Missed"]) == ("6", "3", "2")
    assert query["Share met on time (%)"] == "60.0"
    assert query["Median time to first reply (office hours)"] == "2.0"
    assert query["90th percentile time to first reply (office hours)"] == "8.4"
    assert query["First-contact resolution (%)"] == "50.0"
    assert query["Average satisfaction rating"] == "4.0"
    assert by_code["callback"]["First-contact resolution (%)"] == ""
    assert by_code["all"]["Share met on time (%)"] == "71.4"
    assert by_code["all"]["Period from"] == "2026-10-01"


def test_missed_csv_quotes_and_defuses_formulas(requests, staff):
    q3 = requests["Q3"]
    q3.subject = '=HYPERLINK("http://evil.example","Click, here")'
    q3.requester_name = "@SUM(A1)"
    requests["Q4"].subject = "-2+3"
    requests["Q4"].requester_name = "+44 20 7946 0000"
    db.session.commit()
    response = staff.get("/staff/performance.csv?period=month&day=2026-10-15&part=missed")
    raw = response.get_data(as_text=True)
    # The comma and quotes inside the subject are quoted, not split.
    assert '"\'=HYPERLINK(""http://evil.example"",""Click, here"")"' in raw
    rows = read_csv(response)
    assert rows[0] == ["Reference", "Promise code", "Promise", "Subject", "Customer",
                       "Due (London time)", "Promise met (London time)", "Status", "Reason",
                       "Link"]
    first, second = rows[1], rows[2]
    assert first[0] == q3.reference
    assert first[3] == '\'=HYPERLINK("http://evil.example","Click, here")'
    assert first[4] == "'@SUM(A1)"
    assert first[5] == "2026-10-07 17:00"  # 4pm UTC is 5pm BST
    assert first[6] == "2026-10-08 11:00"
    assert first[8] == "Replied 2 office hours late"
    assert first[9] == f"http://localhost/staff/requests/{q3.reference}"
    assert second[3] == "'-2+3"
    assert second[4] == "'+44 20 7946 0000"
    assert second[6] == ""
    assert len(rows) == 3


def test_csv_refuses_bad_parameters(staff):
    assert staff.get("/staff/performance.csv?part=everything").status_code == 404
    assert staff.get("/staff/performance.csv?period=range&start=x").status_code == 400


@pytest.mark.parametrize(
    ("value", "safe"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\tX", "'\tX"),
     ("\rX", "'\rX"), ("plain", "plain"), ("a=b", "a=b"), (5, 5), (-1.5, -1.5), (None, "")],
)
def test_csv_cell_guard(value, safe):
    assert csv_cell(value) == safe


def test_staff_home_links_to_the_report(staff):
    assert 'href="/staff/performance"' in staff.get("/staff/").get_data(as_text=True)
