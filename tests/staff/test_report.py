"""The charter report's figures equal a hand count (CHARTER.md section 7).

Fourteen requests across two promises (query, callback) and two months (October and November
2026). Every figure asserted below was counted by hand from ``FIXTURES`` in conftest.py; the
comments beside each assertion show the arithmetic. Both databases run the same test, which
matters because the percentiles are computed by different SQL on each.
"""

from __future__ import annotations

from datetime import date

import pytest

from portal.settings.services import get_calendar
from portal.staff import missed, report
from tests.staff.conftest import NOW, utc


def by_code(rows):
    return {r.code: r for r in rows}


def test_october_by_promise(requests):
    rows, total = report.figures_for(report.period_containing("month", date(2026, 10, 15)), NOW)
    figures = by_code(rows)
    assert [r.code for r in rows] == ["callback", "query"]  # the charter's order

    q = figures["query"]  # Q0..Q5
    assert (q.due, q.met, q.missed, q.pending, q.closed_early) == (6, 3, 2, 0, 1)
    assert q.share_met == pytest.approx(3 / 5)
    assert q.replied == 3  # Q1, Q2, Q3: 3600, 7200, 36000
    assert q.median_seconds == pytest.approx(7200)
    assert q.p90_seconds == pytest.approx(7200 + 0.8 * (36000 - 7200))  # position 0.9 x 2 = 1.8
    assert (q.fcr_first_time, q.fcr_total) == (2, 4)  # Q1 and Q3 of Q1, Q2, Q3, Q5
    assert q.fcr_rate == pytest.approx(0.5)
    assert (q.rating_count, q.average_rating) == (2, pytest.approx(4.0))  # 5 and 3
    assert q.title == "Reply to your question"

    b = figures["callback"]  # B1, B2
    assert (b.due, b.met, b.missed, b.pending, b.closed_early) == (2, 2, 0, 0, 0)
    assert b.share_met == 1.0
    assert b.median_seconds == pytest.approx((1800 + 28800) / 2)
    assert b.p90_seconds == pytest.approx(1800 + 0.9 * 27000)
    assert b.fcr_rate is None
    assert b.average_rating == pytest.approx(4.0)

    assert (total.due, total.met, total.missed, total.closed_early) == (8, 5, 2, 1)
    assert total.share_met == pytest.approx(5 / 7)
    # 1800, 3600, 7200, 28800, 36000: median the middle one; p90 at position 3.6.
    assert total.median_seconds == pytest.approx(7200)
    assert total.p90_seconds == pytest.approx(28800 + 0.6 * (36000 - 28800))
    assert total.fcr_rate == pytest.approx(0.5)
    assert (total.rating_count, total.average_rating) == (3, pytest.approx(4.0))


def test_november_counts_pending_and_misses(requests):
    rows, total = report.figures_for(report.period_containing("month", date(2026, 11, 1)), NOW)
    figures = by_code(rows)
    q = figures["query"]  # Q6 missed, Q8 met early; Q7 not yet due is shown apart
    assert (q.due, q.met, q.missed, q.pending) == (2, 1, 1, 1)
    assert q.share_met == pytest.approx(0.5)
    assert q.median_seconds == pytest.approx((3000 + 30000) / 2)
    assert q.p90_seconds == pytest.approx(3000 + 0.9 * 27000)
    assert q.fcr_rate is None
    assert q.average_rating == pytest.approx(1.0)
    b = figures["callback"]  # B3 closed after due, B4 open and overdue
    assert (b.due, b.met, b.missed, b.pending) == (2, 0, 2, 0)
    assert b.share_met == 0.0
    assert b.median_seconds is None and b.p90_seconds is None
    assert b.fcr_rate == 0.0  # B3 closed, not resolved first time
    assert b.average_rating is None
    assert (total.due, total.met, total.missed, total.pending) == (4, 1, 3, 1)


def test_the_same_requests_seen_a_moment_earlier(requests):
    # At 10:59 B4 is not yet due: pending, not missed.
    rows, _ = report.figures_for(
        report.period_containing("month", date(2026, 11, 1)), utc(2026, 11, 20, 10, 59)
    )
    b = by_code(rows)["callback"]
    assert (b.missed, b.pending) == (1, 1)


@pytest.mark.parametrize(
    ("period", "due", "met", "missed"),
    [
        # Both months: everything but QX, and Q7 is not yet due.
        (report.date_range(date(2026, 10, 1), date(2026, 11, 30)), 12, 6, 5),
        (report.period_containing("quarter", date(2026, 12, 31)), 12, 6, 5),
        # Monday 5 to Sunday 11 October: Q1, Q2, Q3, Q4, Q5.
        (report.period_containing("week", date(2026, 10, 8)), 5, 2, 2),
        # A single day: Q0 in London's 1 October.
        (report.date_range(date(2026, 10, 1), date(2026, 10, 1)), 1, 1, 0),
        (report.date_range(date(2026, 9, 30), date(2026, 9, 30)), 1, 0, 1),
        (report.period_containing("month", date(2026, 12, 1)), 0, 0, 0),
    ],
)
def test_periods_in_london_dates(requests, period, due, met, missed):
    _, total = report.figures_for(period, NOW)
    assert (total.due, total.met, total.missed) == (due, met, missed)


def test_a_promise_met_early_counts_in_the_month_it_was_met(requests):
    """CHARTER.md §9: due in December but met in November belongs to November."""
    q8 = requests["Q8"]
    q8.response_due_at = utc(2026, 12, 2, 17)
    from portal.extensions import db

    db.session.commit()
    november = report.period_containing("month", date(2026, 11, 1))
    december = report.period_containing("month", date(2026, 12, 1))
    q = by_code(report.figures_for(november, NOW)[0])["query"]
    assert (q.due, q.met, q.pending) == (2, 1, 1)
    assert report.figures_for(december, NOW)[1].due == 0
    _, points = report.trend_for(december, NOW)
    assert {p.label: (p.met, p.missed) for p in points}["Nov 2026"] == (1, 3)


def test_missed_list_with_reasons(requests):
    cal = get_calendar()
    october = report.period_containing("month", date(2026, 10, 1))
    late = missed.missed_requests(october, NOW, cal)
    assert [(m.reference, m.reason) for m in late] == [
        (requests["Q3"].reference, "Replied 2 office hours late"),
        # 9 October and 12 October to 19 November are 30 working days; then 9am to noon.
        (requests["Q4"].reference, "Still open, overdue by 30 working days and 3 office hours"),
    ]
    assert late[0].promise_title == "Reply to your question"
    november = report.period_containing("month", date(2026, 11, 1))
    assert [(m.reference, m.reason) for m in missed.missed_requests(november, NOW, cal)] == [
        (requests["Q6"].reference, "Replied 2 office hours late"),
        (requests["B3"].reference, "Closed without the promise being met, after it was due"),
        (requests["B4"].reference, "Still open, overdue by 1 office hour"),
    ]


def test_missed_list_pages_by_keyset(requests):
    cal = get_calendar()
    both = report.date_range(date(2026, 10, 1), date(2026, 11, 30))
    first = missed.missed_requests(both, NOW, cal, limit=2)
    assert [m.reference for m in first] == [requests["Q3"].reference, requests["Q4"].reference]
    after = (first[-1].response_due_at, first[-1].id)
    rest = missed.missed_requests(both, NOW, cal, after=after, limit=10)
    assert [m.reference for m in rest] == [
        requests[n].reference for n in ("Q6", "B3", "B4")
    ]


def test_trend_by_month(requests):
    unit, points = report.trend_for(report.period_containing("month", date(2026, 11, 5)), NOW)
    assert unit == "month"
    assert len(points) == 12
    assert points[-1].label == "Nov 2026" and points[0].label == "Dec 2025"
    by_label = {p.label: (p.met, p.missed) for p in points}
    assert by_label["Sep 2026"] == (0, 1)  # QX
    assert by_label["Oct 2026"] == (5, 2)
    assert by_label["Nov 2026"] == (1, 3)
    assert by_label["Aug 2026"] == (0, 0)
    assert points[-2].share_met == pytest.approx(5 / 7)
    assert points[0].share_met is None


def test_trend_of_a_short_range_is_weekly(requests):
    # Thursday 1 to Saturday 31 October: part-weeks at either end are clipped to the range.
    unit, points = report.trend_for(report.date_range(date(2026, 10, 1), date(2026, 10, 31)),
                                    NOW)
    assert unit == "week"
    assert [(p.first_day.day, p.last_day.day) for p in points] == [
        (1, 4), (5, 11), (12, 18), (19, 25), (26, 31)
    ]
    assert [(p.met, p.missed) for p in points] == [(1, 0), (2, 2), (2, 0), (0, 0), (0, 0)]


def test_miss_reason_after_closing_time_and_durations(app):
    cal = get_calendar()

    class Row:
        promise_code = "callback"
        response_due_at = utc(2026, 11, 24, 17)  # 5pm GMT
        promise_met_at = utc(2026, 11, 24, 18)  # after closing: no office time late
        status = "answered"
        closed_at = None

    assert missed.miss_reason(Row, NOW, cal) == (
        "Called back after closing time on the day it was due"
    )
    Row.promise_met_at = utc(2026, 11, 25, 9, 40)
    assert missed.miss_reason(Row, NOW, cal) == "Called back 40 minutes late"
    assert missed.office_duration(40 * 60, cal) == "40 minutes"
    assert missed.office_duration(59, cal) == "1 minute"
    assert missed.office_duration(3600, cal) == "1 office hour"
    assert missed.office_duration(8 * 3600, cal) == "1 working day"
    assert missed.office_duration(8 * 3600 * 2 + 3600, cal) == "2 working days and 1 office hour"
    assert missed.office_duration(8 * 3600 - 600, cal) == "8 office hours"


def test_periods():
    week = report.period_containing("week", date(2026, 11, 26))
    assert (week.first_day, week.last_day) == (date(2026, 11, 23), date(2026, 11, 29))
    assert week.label == "Week beginning Monday 23 November 2026"
    assert week.shifted(-1).first_day == date(2026, 11, 16)
    quarter = report.period_containing("quarter", date(2026, 2, 10))
    assert (quarter.first_day, quarter.last_day) == (date(2026, 1, 1), date(2026, 3, 31))
    assert quarter.shifted(-1).first_day == date(2025, 10, 1)
    month = report.period_containing("month", date(2026, 3, 31))
    assert month.label == "March 2026"
    # A London day starts at midnight BST (23:00 UTC) in summer.
    assert report.period_containing("month", date(2026, 7, 1)).starts_at == utc(2026, 6, 30, 23)
    with pytest.raises(ValueError, match="on or after"):
        report.date_range(date(2026, 2, 1), date(2026, 1, 1))
    with pytest.raises(ValueError, match="three years"):
        report.date_range(date(2020, 1, 1), date(2026, 1, 1))


def test_trend_labels_are_short_enough_for_the_chart(app):
    _, weeks = report.trend_buckets(report.period_containing("week", date(2026, 11, 26)))
    assert [p.label for p in weeks][-2:] == ["16 Nov", "23 Nov"]
    _, quarters = report.trend_buckets(report.period_containing("quarter", date(2026, 11, 26)))
    assert [p.label for p in quarters] == [
        "Q1 2025", "Q2 2025", "Q3 2025", "Q4 2025", "Q1 2026", "Q2 2026", "Q3 2026", "Q4 2026"
    ]


def test_by_person_team_and_channel_with_working_day_buckets(requests, signed_in_as):
    from portal.staff import breakdown
    from tests.factories import make_user

    ann = make_user("staff", full_name="Ann Able")
    for name in ("Q1", "Q3", "Q4"):
        requests[name].assignee_id = ann.id
    from portal.extensions import db
    db.session.commit()
    october = report.period_containing("month", date(2026, 10, 15))
    groups, total = breakdown.groups_for(october, NOW, "person", get_calendar())
    by = {g.title: g for g in groups}
    a = by["Ann Able"]
    # Q1's clock started on 1 September (the fixtures' receipt), so it was met on a day
    # after day 3; Q3 replied the working day after it was due; Q4 is 30 working days late.
    assert (a.due, a.met, a.missed) == (3, 1, 2)
    assert a.met_days == [0, 0, 0, 1] and a.late_days == [1, 0, 1]
    assert total.due == 8 and total.met == 5 and total.missed == 2
    teams, _ = breakdown.groups_for(october, NOW, "team", get_calendar())
    assert [(g.title, g.due) for g in teams] == [("Membership", 8)]
    channels, _ = breakdown.groups_for(october, NOW, "channel", get_calendar())
    assert [(g.title, g.due) for g in channels] == [("Web form", 8)]
    client, _staff = signed_in_as("staff")
    page = client.get("/staff/performance/by?by=person&period=month&day=2026-10-15")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Ann Able" in text and "Met on day 0" in text
    csv_text = client.get("/staff/performance/by?by=person&period=month&day=2026-10-15"
                          "&format=csv").get_data(as_text=True)
    assert "Ann Able,3,1,2" in csv_text
    assert client.get("/staff/performance/by?by=nonsense").status_code == 404
