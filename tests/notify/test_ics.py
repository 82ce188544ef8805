"""The hand-written iCalendar text (RFC 5545)."""

from datetime import UTC, date, datetime

import pytest

from portal.notify.ics import _escape, _fold, all_day_event


@pytest.mark.parametrize(
    "line", ["SUMMARY:short", "X" * 75, "X" * 76, "DESCRIPTION:" + "é" * 100, "A" * 400]
)
def test_lines_fold_at_75_octets_and_unfold_to_the_original(line):
    parts = _fold(line).split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join([parts[0]] + [part[1:] for part in parts[1:]]) == line


def test_text_values_are_escaped():
    assert _escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_an_all_day_event_has_the_required_properties():
    text = all_day_event(
        "uid-1@example",
        date(2027, 2, 28),
        "Renewal; due, now",
        description="Line one\nLine two " + "x" * 80,
        stamp=datetime(2027, 1, 31, 9, 0, tzinfo=UTC),
    )
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    unfolded = text.replace("\r\n ", "")
    lines = unfolded.split("\r\n")[:-1]
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    for expected in (
        "UID:uid-1@example",
        "DTSTAMP:20270131T090000Z",
        "DTSTART;VALUE=DATE:20270228",
        "DTEND;VALUE=DATE:20270301",
        "SUMMARY:Renewal\\; due\\, now",
        "DESCRIPTION:Line one\\nLine two " + "x" * 80,
    ):
        assert expected in lines
    assert lines.index("BEGIN:VEVENT") < lines.index("END:VEVENT")
