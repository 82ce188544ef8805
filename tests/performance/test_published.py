"""Published months equal the staff report, never move, and are corrected in the open."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import time_machine

from portal.extensions import db
from portal.jobs.performance import months_due, publish_performance
from portal.performance import services
from portal.performance.models import PublishedMonth
from portal.staff.public_figures import month_figures
from portal.staff.report import period_containing
from tests.performance.conftest import PUBLISH_AT, utc

OCTOBER = date(2026, 10, 1)


def read_csv(response) -> list[dict]:
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def _num(text: str):
    return None if text == "" else float(text)


def test_a_published_month_equals_the_staff_report_csv(october, signed_in_as):
    """The public figures and the staff CSV come from one function: same numbers."""
    assert publish_performance(PUBLISH_AT) == "published 2026-10"
    published = db.session.query(PublishedMonth).one().figures
    with time_machine.travel(PUBLISH_AT, tick=False):
        staff = signed_in_as("staff")[0]
        response = staff.get("/staff/performance.csv?part=summary&period=month&day=2026-10-01")
    assert response.status_code == 200
    rows = {r["Promise code"]: r for r in read_csv(response)}
    public = {p["code"]: p for p in published["promises"]} | {"all": published["total"]}
    compared = 0
    for code, row in rows.items():
        p = public[code]
        assert int(row["Fell due"]) == p["fell_due"]
        assert int(row["Met on time"]) == p["met"]
        assert int(row["Missed"]) == p["missed"]
        assert int(row["Pending"]) == p["not_yet_due"]
        assert int(row["Closed before due"]) == p["closed_before_due"]
        median = _num(row["Median time to first reply (office hours)"])
        p90 = _num(row["90th percentile time to first reply (office hours)"])
        assert median == (None if p["median_seconds"] is None
                          else round(p["median_seconds"] / 3600, 2))
        assert p90 == (None if p["p90_seconds"] is None else round(p["p90_seconds"] / 3600, 2))
        compared += 1
    assert compared == 5  # query, callback, complaint, feedback and all promises
    assert public["query"]["fell_due"] >= 10  # enough to be published, not withheld

    # The public CSV shows the same counts, withholding only those under 10.
    public_rows = read_csv(staff.get("/charter/performance/2026-10.csv"))
    got = {(r["code"], r["figure"]): r for r in public_rows if r["section"] == "promise"}
    for code, p in public.items():
        for figure in ("fell_due", "met", "missed"):
            cell = got[(code, figure)]
            if p[figure] == 0 or p[figure] >= 10:
                assert cell["value"] == str(p[figure])
            else:
                assert (cell["value"], cell["note"]) == ("", "fewer than 10")


def test_a_promise_met_early_counts_in_the_month_it_was_met(app):
    from tests.performance.conftest import make_requests

    rows = make_requests()
    early = rows[0]
    early.response_due_at = utc(2026, 11, 4, 17)
    early.promise_met_at = utc(2026, 10, 30, 10)
    db.session.commit()
    figures = month_figures(period_containing("month", OCTOBER), PUBLISH_AT)
    november = month_figures(period_containing("month", date(2026, 11, 1)), utc(2026, 12, 1))
    assert early.reference not in str(figures)  # only counts, nothing that names a case

    def counted_at(r):  # CHARTER.md section 9, by hand
        met = r.promise_met_at
        return met if met is not None and met < r.response_due_at else r.response_due_at

    def hand_count(first, end):
        return sum(1 for r in rows if r.promise_code == "query" and first <= counted_at(r) < end)

    # London's October: 1 October 00:00 BST to 1 November 00:00 GMT.
    october_count = hand_count(utc(2026, 9, 30, 23), utc(2026, 11, 1))
    q_oct = next(p for p in figures["promises"] if p["code"] == "query")
    q_nov = next(p for p in november["promises"] if p["code"] == "query")
    assert q_oct["not_yet_due"] == 0
    assert q_oct["fell_due"] == october_count
    assert q_nov["fell_due"] == hand_count(utc(2026, 11, 1), utc(2026, 12, 1))
    assert q_oct["fell_due"] + q_nov["fell_due"] == 30 - hand_count(utc(2026, 1, 1),
                                                                     utc(2026, 9, 30, 23))


def test_publishing_waits_for_the_first_working_day_and_never_twice(october):
    # Saturday 31 October and Sunday 1 November: October is not published yet.
    assert months_due(utc(2026, 11, 1, 12)) == [date(2026, 9, 1)]
    assert months_due(PUBLISH_AT) == [OCTOBER]
    publish_performance(PUBLISH_AT)
    first = db.session.query(PublishedMonth).one()
    figures = dict(first.figures)
    # New data for October arrives; running the job again changes nothing published.
    october[0].promise_met_at = None
    db.session.commit()
    assert publish_performance(utc(2026, 11, 3, 7)) == "nothing to publish"
    db.session.expire_all()
    assert db.session.query(PublishedMonth).one().figures == figures


def test_a_correction_is_appended_with_its_reason_never_silent(october, signed_in_as):
    publish_performance(PUBLISH_AT)
    original = db.session.query(PublishedMonth).one().figures
    with pytest.raises(services.CorrectionRefused, match="nothing to correct"):
        services.correct_month(OCTOBER, month_figures(
            period_containing("month", OCTOBER), PUBLISH_AT), "No change")
    for row in october[:12]:
        row.promise_met_at = None
    db.session.commit()
    recomputed = month_figures(period_containing("month", OCTOBER), utc(2026, 11, 10))
    with pytest.raises(services.CorrectionRefused, match="why"):
        services.correct_month(OCTOBER, recomputed, "  ")
    services.correct_month(OCTOBER, recomputed, "Twelve replies were recorded twice.",
                           now=utc(2026, 11, 10, 12))
    db.session.commit()
    db.session.expire_all()
    month = services.published_month(OCTOBER)
    assert month.original == original  # what was published is kept as it was
    assert month.figures == recomputed
    html = signed_in_as("member")[0].get("/charter/performance/2026-10").get_data(as_text=True)
    assert "Corrected on Tuesday 10 November 2026" in html
    assert "Twelve replies were recorded twice." in html
    assert "became" in html


def test_the_job_catches_up_and_the_command_fills_in_history(october, app):
    from portal.jobs.performance import publish_earlier

    # A new install publishes from last month; earlier months only on request.
    assert months_due(utc(2027, 1, 5, 7)) == [date(2026, 12, 1)]
    assert publish_earlier(OCTOBER, PUBLISH_AT).startswith("2026-10 published")
    db.session.commit()
    # With October published and the worker down since, November and December catch up.
    assert months_due(utc(2027, 1, 5, 7)) == [date(2026, 11, 1), date(2026, 12, 1)]
    with pytest.raises(ValueError, match="not over yet"):
        publish_earlier(date(2026, 11, 1), utc(2026, 11, 20))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["performance", "publish", "--month", "2026-13"])
    assert "YYYY-MM" in result.output


def test_a_correction_keeps_the_months_promises_in_the_words_published(october):
    from portal.settings.services import change_targets
    from portal.staff.public_figures import correct_published

    publish_performance(PUBLISH_AT)
    change_targets({"query": 5}, "Longer target from December")
    october[0].promise_met_at = None
    october[1].promise_met_at = None
    db.session.commit()
    correct_published(OCTOBER, "Two replies were recorded on the wrong case.",
                      now=utc(2026, 11, 12, 9))
    query = next(p for p in services.published_month(OCTOBER).figures["promises"]
                 if p["code"] == "query")
    assert query["target"] == "3 working days"
