"""``flask charter due`` and ``flask charter calendar`` (issue: the charter clock)."""

import json

import pytest

from portal.extensions import db
from portal.settings import services

# CHARTER.md section 8, London times as given there.
WORKED_EXAMPLES = [
    ("query", "2026-11-27T16:59", "2026-12-02T17:00:00+00:00"),
    ("query", "2026-11-27T18:00", "2026-12-03T17:00:00+00:00"),
    ("query", "2026-12-24T10:00", "2026-12-31T17:00:00+00:00"),
    ("callback", "2026-11-24T14:00", "2026-11-25T14:00:00+00:00"),
    ("callback", "2026-11-24T19:00", "2026-11-25T17:00:00+00:00"),
    ("callback", "2026-03-27T16:00", "2026-03-30T16:00:00+01:00"),
    ("employer-support", "2026-11-25T15:59", "2026-11-25T17:00:00+00:00"),
    ("employer-support", "2026-11-25T16:30", "2026-11-26T17:00:00+00:00"),
    ("complaint", "2027-03-25T12:00", "2027-04-01T17:00:00+01:00"),
    ("certificate", "2026-12-10T11:00", "2027-01-05T17:00:00+00:00"),
]


@pytest.mark.parametrize(("code", "received", "due"), WORKED_EXAMPLES)
def test_worked_examples_through_the_command(runner, code, received, due):
    result = runner.invoke(args=["charter", "due", code, received])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == due


def test_a_time_with_an_offset_is_converted(runner):
    # 17:59 in Paris is 16:59 in London: the first worked example again.
    result = runner.invoke(args=["charter", "due", "query", "2026-11-27T17:59:00+01:00"])
    assert result.stdout.strip() == "2026-12-02T17:00:00+00:00"


def test_json_output_explains_the_clock_start(runner):
    result = runner.invoke(args=["charter", "due", "--json", "query", "2026-11-27T18:00"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) >= {"code", "received", "clock_start", "due", "explanation"}
    assert data["code"] == "query"
    assert data["received"] == "2026-11-27T18:00:00+00:00"
    assert data["clock_start"] == "2026-11-30T09:00:00+00:00"
    assert data["due"] == "2026-12-03T17:00:00+00:00"
    assert data["explanation"] == "We will reply by 5pm on Thursday 3 December."


def test_unknown_code_names_the_valid_ones(runner):
    result = runner.invoke(args=["charter", "due", "enquiry", "2026-11-27T16:59"])
    assert result.exit_code == 2
    assert "Unknown promise 'enquiry'" in result.stderr
    assert "query" in result.stderr and "callback" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("received", ["yesterday", "2026-13-01T10:00", "27/11/2026 16:59", ""])
def test_unreadable_time_gives_the_expected_format(runner, received):
    result = runner.invoke(args=["charter", "due", "query", received])
    assert result.exit_code == 2
    assert "ISO 8601" in result.stderr


def test_a_london_time_skipped_by_the_clock_change_is_refused(runner):
    result = runner.invoke(args=["charter", "due", "query", "2026-03-29T01:30"])
    assert result.exit_code == 2
    assert "does not exist in London" in result.stderr


def test_renewal_reminder_is_four_weeks_before(runner):
    result = runner.invoke(args=["charter", "due", "renewal-reminder", "2027-01-31"])
    assert result.stdout.strip() == "2027-01-03"


def test_calendar_lists_non_working_weekdays_with_reasons(runner):
    result = runner.invoke(args=["charter", "calendar", "2026"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "2026-12-25  Fri  Christmas Day" in lines
    assert "2026-12-28  Mon  Boxing Day (substitute day)" in lines
    assert "2026-04-06  Mon  Easter Monday" in lines
    assert len(lines) == 8


def test_the_command_uses_the_calendar_in_the_database(app, runner):
    from datetime import date

    services.add_calendar_day(date(2026, 12, 1), "closure", "Office move")
    db.session.commit()
    result = runner.invoke(args=["charter", "due", "query", "2026-11-27T16:59"])
    assert result.stdout.strip() == "2026-12-03T17:00:00+00:00"
    calendar = runner.invoke(args=["charter", "calendar", "2026"]).stdout
    assert "2026-12-01  Tue  Closure: Office move" in calendar
