"""The promise catalogue (CHARTER.md section 4) and the house style for dates and times."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from portal.charter import (
    DEFAULT_PROMISES,
    DEFAULT_TARGETS,
    PROMISE_CODES,
    PolicyVersion,
    RuleKind,
    build_promises,
    describe,
    format_clock_time,
    format_date,
    format_london,
)

UTC = UTC

CODES = {
    "callback",
    "query",
    "complaint",
    "feedback",
    "membership-application",
    "membership-upgrade",
    "employer-support",
    "centre-approval",
    "centre-support",
    "certificate",
    "claim-check",
    "amendment",
    "appeal",
    "appeal-decision",
    "renewal-reminder",
}


def test_catalogue_has_exactly_the_charter_codes() -> None:
    assert set(PROMISE_CODES) == CODES == set(DEFAULT_PROMISES) == set(DEFAULT_TARGETS)


def test_default_rules_and_targets() -> None:
    expected = {
        "callback": (RuleKind.OFFICE_HOURS, 8),
        "query": (RuleKind.WORKING_DAYS, 3),
        "complaint": (RuleKind.WORKING_DAYS, 3),
        "feedback": (RuleKind.WORKING_DAYS, 3),
        "membership-application": (RuleKind.WORKING_DAYS, 3),
        "membership-upgrade": (RuleKind.WORKING_DAYS, 3),
        "employer-support": (RuleKind.SAME_DAY, 0),
        "centre-approval": (RuleKind.WORKING_DAYS, 10),
        "centre-support": (RuleKind.WORKING_DAYS, 2),
        "certificate": (RuleKind.WORKING_DAYS, 15),
        "claim-check": (RuleKind.WORKING_DAYS, 5),
        "amendment": (RuleKind.WORKING_DAYS, 10),
        "appeal": (RuleKind.WORKING_DAYS, 3),
        "appeal-decision": (RuleKind.WORKING_DAYS, 20),
        "renewal-reminder": (RuleKind.CALENDAR_DAYS_BEFORE, 28),
    }
    for code, (kind, target) in expected.items():
        promise = DEFAULT_PROMISES[code]
        assert (promise.kind, promise.target) == (kind, target)
        assert promise.title and promise.description.endswith(".")


def test_first_reply_promises_never_pause() -> None:
    assert DEFAULT_PROMISES["query"].first_reply
    assert not DEFAULT_PROMISES["certificate"].first_reply


def test_overrides_update_description() -> None:
    promises = build_promises({"query": 5})
    assert promises["query"].target == 5
    assert "5 working days" in promises["query"].description
    assert promises["complaint"].target == 3
    assert "4 weeks" in describe("renewal-reminder", 28)
    assert "10 days" in describe("renewal-reminder", 10)


@pytest.mark.parametrize("targets", [{"nonsense": 3}, {"query": -1}, {"query": 0}])
def test_bad_targets_raise(targets: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        build_promises(targets)


def test_policy_version() -> None:
    version = PolicyVersion("2027", {**DEFAULT_TARGETS, "certificate": 10})
    assert version.promises()["certificate"].target == 10
    assert PolicyVersion("default").promises() == dict(DEFAULT_PROMISES)


@pytest.mark.parametrize(
    ("t", "words"),
    [
        (time(9), "9am"),
        (time(17), "5pm"),
        (time(16, 30), "4:30pm"),
        (time(12), "midday"),
        (time(12, 15), "12:15pm"),
        (time(0), "midnight"),
        (time(0, 5), "12:05am"),
    ],
)
def test_clock_time_style(t: time, words: str) -> None:
    assert format_clock_time(t) == words


def test_date_and_instant_style() -> None:
    assert format_date(date(2026, 12, 3)) == "Thursday 3 December 2026"
    assert format_date(date(2026, 12, 3), with_year=False) == "Thursday 3 December"
    assert format_london(datetime(2026, 12, 3, 17, tzinfo=UTC)) == "5pm on Thursday 3 December"
    # Summer: 16:00 UTC is 5pm in London.
    assert (
        format_london(datetime(2026, 7, 2, 16, tzinfo=UTC), with_year=True)
        == "5pm on Thursday 2 July 2026"
    )
    with pytest.raises(ValueError):
        format_london(datetime(2026, 12, 3, 17))
