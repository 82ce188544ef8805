"""The working calendar (CHARTER.md section 1): working days, holidays, closures, office time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from portal.charter import CalendarRules, WorkingCalendar

LONDON = ZoneInfo("Europe/London")
UTC = UTC
CAL = WorkingCalendar()


def london(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LONDON).astimezone(UTC)


def test_weekends_and_weekdays() -> None:
    assert CAL.is_working_day(date(2026, 11, 27))  # Friday
    assert not CAL.is_working_day(date(2026, 11, 28))
    assert CAL.non_working_reason(date(2026, 11, 28)) == "Saturday"
    assert CAL.non_working_reason(date(2026, 11, 29)) == "Sunday"
    assert CAL.non_working_reason(date(2026, 11, 27)) is None


def test_easter_2027() -> None:
    assert CAL.non_working_reason(date(2027, 3, 26)) == "Good Friday"
    assert CAL.non_working_reason(date(2027, 3, 29)) == "Easter Monday"
    assert CAL.add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 30)


def test_christmas_2026_substitute_day() -> None:
    weekdays = dict(CAL.non_working_weekdays(2026))
    assert weekdays[date(2026, 12, 25)] == "Christmas Day"
    assert weekdays[date(2026, 12, 28)] == "Boxing Day (substitute day)"
    assert date(2026, 12, 26) not in weekdays  # a Saturday: not listed as a weekday
    assert all(d.weekday() < 5 and d.year == 2026 for d in weekdays)
    assert len(weekdays) == 8


def test_one_off_holidays_come_from_the_package() -> None:
    assert CAL.non_working_reason(date(2022, 9, 19)) is not None  # state funeral
    assert CAL.non_working_reason(date(2023, 5, 8)) is not None  # coronation


def test_subdivision_is_england() -> None:
    # St Andrew's Day (Scotland) and 12 July (Northern Ireland) are working days in England.
    assert CAL.is_working_day(date(2027, 11, 30))
    assert CAL.is_working_day(date(2027, 7, 12))


def test_added_and_removed_bank_holidays() -> None:
    rules = CalendarRules(
        extra_holidays={date(2026, 12, 2): "Extra bank holiday"},
        removed_holidays=frozenset({date(2026, 12, 28)}),
    )
    cal = WorkingCalendar(rules)
    assert cal.non_working_reason(date(2026, 12, 2)) == "Extra bank holiday"
    assert cal.is_working_day(date(2026, 12, 28))
    assert cal.add_working_days(date(2026, 11, 27), 3) == date(2026, 12, 3)
    assert cal.add_working_days(date(2026, 12, 24), 3) == date(2026, 12, 30)


def test_closure_days_with_and_without_reason() -> None:
    rules = CalendarRules(
        closure_days=frozenset({date(2026, 11, 30)}),
        closure_reasons={date(2026, 12, 1): "Staff training"},
    )
    cal = WorkingCalendar(rules)
    assert cal.non_working_reason(date(2026, 11, 30)) == "Office closure"
    assert cal.non_working_reason(date(2026, 12, 1)) == "Closure: Staff training"
    assert cal.next_working_day(date(2026, 11, 27)) == date(2026, 12, 2)
    assert (date(2026, 12, 1), "Closure: Staff training") in cal.non_working_weekdays(2026)


def test_add_working_days_conventions() -> None:
    fri = date(2026, 11, 27)
    sat = date(2026, 11, 28)
    assert CAL.add_working_days(fri, 0) == fri
    assert CAL.add_working_days(sat, 0) == date(2026, 11, 30)
    assert CAL.add_working_days(sat, 1) == date(2026, 11, 30)
    assert CAL.add_working_days(fri, 1) == date(2026, 11, 30)
    assert CAL.add_working_days(fri, -1) == date(2026, 11, 26)
    assert CAL.add_working_days(sat, -1) == fri
    assert CAL.working_day_on_or_after(sat) == date(2026, 11, 30)


def test_working_days_between_is_inverse_of_add() -> None:
    start = date(2026, 12, 10)
    for n in range(0, 40):
        assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n
    assert CAL.working_days_between(date(2026, 12, 31), date(2026, 12, 24)) == -3
    assert len(CAL.working_days(date(2026, 12, 21), date(2027, 1, 8))) == 12


def test_year_end() -> None:
    assert CAL.add_working_days(date(2026, 12, 30), 3) == date(2027, 1, 5)
    assert CAL.next_working_day(date(2027, 12, 24)) == date(2027, 12, 29)


def test_out_of_range_raises() -> None:
    cal = WorkingCalendar(first_year=2020, last_year=2021)
    with pytest.raises(ValueError):
        cal.is_working_day(date(2019, 12, 31))
    with pytest.raises(ValueError):
        cal.add_working_days(date(2021, 12, 30), 10)
    with pytest.raises(ValueError):
        cal.office_position(datetime(2030, 1, 1, tzinfo=UTC))


def test_office_seconds_between() -> None:
    a = london(2026, 11, 27, 16, 0)  # Friday
    b = london(2026, 11, 30, 10, 0)  # Monday
    assert CAL.office_seconds_between(a, b) == 2 * 3600
    assert CAL.office_seconds_between(b, a) == -2 * 3600
    # Evening to next morning: no office time passes.
    assert CAL.office_seconds_between(london(2026, 11, 24, 17, 0), london(2026, 11, 25, 9, 0)) == 0
    # A whole working week.
    assert (
        CAL.office_seconds_between(london(2026, 11, 23, 9), london(2026, 11, 30, 9)) == 5 * 8 * 3600
    )


def test_office_seconds_across_clock_changes() -> None:
    # Spring: Friday GMT to Monday BST; only wall-clock office hours count.
    assert CAL.office_seconds_between(london(2026, 3, 27, 16), london(2026, 3, 30, 10)) == 2 * 3600
    # Autumn: the Sunday is 25 hours long but is not a working day.
    assert (
        CAL.office_seconds_between(london(2026, 10, 23, 16), london(2026, 10, 26, 10)) == 2 * 3600
    )


def test_add_office_seconds() -> None:
    assert CAL.add_office_seconds(london(2026, 11, 24, 9), 8 * 3600) == london(2026, 11, 24, 17)
    assert CAL.add_office_seconds(london(2026, 11, 24, 14), 8 * 3600) == london(2026, 11, 25, 14)
    assert CAL.add_office_seconds(london(2026, 11, 24, 20), 3600) == london(2026, 11, 25, 10)
    assert CAL.add_office_seconds(london(2026, 10, 23, 16), 2 * 3600) == london(2026, 10, 26, 10)
    assert CAL.add_office_seconds(london(2026, 11, 25, 10), -2 * 3600) == london(2026, 11, 24, 16)
    sat = london(2026, 11, 28, 12)
    assert CAL.add_office_seconds(sat, 0) == sat


def test_naive_datetimes_raise() -> None:
    naive = datetime(2026, 11, 24, 14, 0)
    with pytest.raises(ValueError, match="naive"):
        CAL.office_position(naive)
    with pytest.raises(ValueError, match="naive"):
        CAL.phone_lines(naive)
    with pytest.raises(ValueError, match="naive"):
        CAL.office_seconds_between(naive, london(2026, 11, 24, 15))


def test_aware_non_utc_input_is_accepted() -> None:
    local = datetime(2026, 7, 1, 10, 0, tzinfo=LONDON)
    assert CAL.office_position(local) == CAL.office_position(local.astimezone(UTC))


def test_phone_lines() -> None:
    lines = CAL.phone_lines(london(2026, 11, 25, 10))
    assert lines.is_open and lines.closes_at == london(2026, 11, 25, 17) and lines.opens_at is None
    lines = CAL.phone_lines(london(2026, 11, 28, 12))  # Saturday
    assert not lines.is_open and lines.opens_at == london(2026, 11, 30, 9)
    assert lines.opens_at is not None and lines.opens_at.tzinfo is UTC
    lines = CAL.phone_lines(london(2026, 11, 25, 8))
    assert not lines.is_open and lines.opens_at == london(2026, 11, 25, 9)
    lines = CAL.phone_lines(london(2026, 11, 25, 17))
    assert not lines.is_open and lines.opens_at == london(2026, 11, 26, 9)
    lines = CAL.phone_lines(london(2026, 12, 24, 18))
    assert lines.opens_at == london(2026, 12, 29, 9)
    # In summer 9am London is 8am UTC.
    summer = CAL.phone_lines(london(2026, 7, 4, 12))
    assert summer.opens_at == datetime(2026, 7, 6, 8, 0, tzinfo=UTC)


def test_rules_validation() -> None:
    with pytest.raises(ValueError):
        CalendarRules(office_open=time(17), office_close=time(9))
    with pytest.raises(TypeError):
        CalendarRules(office_open="09:00")  # type: ignore[arg-type]


def test_custom_office_hours() -> None:
    cal = WorkingCalendar(CalendarRules(office_open=time(8, 30), office_close=time(18, 0)))
    assert cal.phone_lines(london(2026, 11, 25, 8, 45)).is_open
    assert cal.office_seconds_between(london(2026, 11, 25, 8), london(2026, 11, 26, 8)) == int(
        9.5 * 3600
    )


def test_london_instant() -> None:
    assert CAL.london_instant(date(2026, 7, 1), time(9)) == datetime(2026, 7, 1, 8, tzinfo=UTC)
    assert CAL.london_instant(date(2026, 1, 5), time(9)) == datetime(2026, 1, 5, 9, tzinfo=UTC)


def test_rules_round_trip_through_plain_data() -> None:
    data = {
        "office_open": "08:30",
        "same_day_cutoff": "15:00",
        "closures": {"2026-12-24": "Office party"},
        "closure_days": ["2026-12-31"],
        "extra_holidays": {"2027-06-04": "Extra bank holiday"},
        "removed_holidays": ["2026-12-28"],
    }
    rules = CalendarRules.from_dict(data)
    assert rules.office_open == time(8, 30) and rules.office_close == time(17)
    assert rules.all_closures() == {date(2026, 12, 24), date(2026, 12, 31)}
    assert CalendarRules.from_dict(rules.to_dict()) == rules
    assert hash(CalendarRules.from_dict(rules.to_dict())) == hash(rules)
    cal = WorkingCalendar(rules)
    assert cal.non_working_reason(date(2026, 12, 24)) == "Closure: Office party"
    assert cal.is_working_day(date(2026, 12, 28))
    assert cal.non_working_reason(date(2027, 6, 4)) == "Extra bank holiday"
