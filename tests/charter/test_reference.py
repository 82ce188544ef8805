"""A naive day-by-day reading of CHARTER.md sections 1-3 must agree with the fast engine."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

from portal.charter import (
    DEFAULT_PROMISES,
    CalendarRules,
    Promise,
    RuleKind,
    WorkingCalendar,
    clock_start,
    due_at,
)

LONDON = ZoneInfo("Europe/London")
UTC = UTC
OPEN, CLOSE, CUTOFF = time(9), time(17), time(16)


class NaiveClock:
    """Walks the calendar one day at a time, using zoneinfo for every conversion."""

    def __init__(self, closures: set[date] | None = None) -> None:
        self.holidays = set(holidays.country_holidays("GB", subdiv="ENG", years=range(2014, 2033)))
        self.closures = closures or set()

    def working(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self.holidays and d not in self.closures

    def next_working(self, d: date) -> date:
        d += timedelta(days=1)
        while not self.working(d):
            d += timedelta(days=1)
        return d

    @staticmethod
    def at(d: date, t: time) -> datetime:
        return datetime.combine(d, t, tzinfo=LONDON).astimezone(UTC)

    def start(self, received: datetime) -> datetime:
        local = received.astimezone(LONDON)
        d, t = local.date(), local.time()
        if self.working(d) and OPEN <= t < CLOSE:
            return received
        if self.working(d) and t < OPEN:
            return self.at(d, OPEN)
        return self.at(self.next_working(d), OPEN)

    def due(self, promise: Promise, received: datetime) -> datetime:
        start = self.start(received).astimezone(LONDON)
        d = start.date()
        if promise.kind is RuleKind.WORKING_DAYS:
            for _ in range(promise.target):
                d = self.next_working(d)
            return self.at(d, CLOSE)
        if promise.kind is RuleKind.SAME_DAY:
            return self.at(self.next_working(d) if start.time() >= CUTOFF else d, CLOSE)
        # Office hours: spend the remaining time day by day in wall-clock terms.
        remaining = timedelta(hours=promise.target)
        wall = start.replace(tzinfo=None)
        while True:
            available = datetime.combine(wall.date(), CLOSE) - wall
            if remaining <= available:
                return (wall + remaining).replace(tzinfo=LONDON).astimezone(UTC)
            remaining -= available
            wall = datetime.combine(self.next_working(wall.date()), OPEN)


def _random_receipts(rng: random.Random, count: int) -> list[datetime]:
    lo = datetime(2015, 1, 1, tzinfo=UTC)
    span = int((datetime(2030, 12, 1, tzinfo=UTC) - lo).total_seconds())
    out = []
    for _ in range(count):
        instant = lo + timedelta(seconds=rng.randrange(span), microseconds=rng.randrange(1_000_000))
        if rng.random() < 0.3:  # exact minutes hit the boundaries
            instant = instant.replace(second=0, microsecond=0)
        out.append(instant)
    return out


PROMISES = [p for p in DEFAULT_PROMISES.values() if p.kind is not RuleKind.CALENDAR_DAYS_BEFORE]


def test_engine_agrees_with_naive_reference() -> None:
    rng = random.Random(20261127)
    naive = NaiveClock()
    cal = WorkingCalendar()
    for received in _random_receipts(rng, 3000):
        promise = rng.choice(PROMISES)
        assert clock_start(received, cal).started_at == naive.start(received), received
        assert due_at(promise, received, cal) == naive.due(promise, received), (
            promise.code,
            received,
        )


def test_engine_agrees_with_naive_reference_with_closures() -> None:
    rng = random.Random(7)
    closures = {date(2025, 1, 1) + timedelta(days=rng.randrange(365 * 3)) for _ in range(150)}
    naive = NaiveClock(closures)
    cal = WorkingCalendar(CalendarRules(closure_days=frozenset(closures)))
    lo = datetime(2025, 1, 1, tzinfo=UTC)
    for _ in range(1000):
        received = lo + timedelta(seconds=rng.randrange(3 * 365 * 86400))
        promise = rng.choice(PROMISES)
        assert due_at(promise, received, cal) == naive.due(promise, received), (
            promise.code,
            received,
        )
