"""Benchmark the charter clock (CHARTER.md sections 1-3): how many due dates a second.

Usage: ``python bench/clock.py [--n N] [--naive-n N] [--seed S]``

* computes N (default 1,000,000) due dates for random receipt instants between 2020 and 2030
  (seeded, so runs are comparable), cycling through every clock-based promise;
* runs a naive day-by-day implementation (written here, zoneinfo on every step) on a smaller
  sample, checks it agrees with the engine, and prints both rates and their ratio;
* prints a rate per promise, showing a 15-working-day promise costs no more than a short one.

Figures go in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import holidays  # noqa: E402

from portal.charter import (  # noqa: E402
    DEFAULT_PROMISES,
    Promise,
    RuleKind,
    WorkingCalendar,
    build_promises,
    due_at,
    promise_due,
)

LONDON = ZoneInfo("Europe/London")
START = datetime(2020, 1, 1, tzinfo=UTC)
END = datetime(2030, 12, 31, tzinfo=UTC)
PROMISES = [p for p in DEFAULT_PROMISES.values() if p.kind is not RuleKind.CALENDAR_DAYS_BEFORE]


class NaiveClock:
    """The obvious implementation: walk one day at a time, convert with zoneinfo every time."""

    def __init__(self) -> None:
        self.holidays = set(holidays.country_holidays("GB", subdiv="ENG", years=range(2019, 2033)))

    def working(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self.holidays

    def next_working(self, d: date) -> date:
        d += timedelta(days=1)
        while not self.working(d):
            d += timedelta(days=1)
        return d

    def due(self, promise: Promise, received: datetime) -> datetime:
        local = received.astimezone(LONDON)
        d, t = local.date(), local.time()
        if self.working(d) and time(9) <= t < time(17):
            start = local.replace(tzinfo=None)
        else:
            if not (self.working(d) and t < time(9)):
                d = self.next_working(d)
            start = datetime.combine(d, time(9))
        if promise.kind is RuleKind.WORKING_DAYS:
            d = start.date()
            for _ in range(promise.target):
                d = self.next_working(d)
            wall = datetime.combine(d, time(17))
        elif promise.kind is RuleKind.SAME_DAY:
            d = start.date()
            wall = datetime.combine(
                self.next_working(d) if start.time() >= time(16) else d, time(17)
            )
        else:
            remaining = timedelta(hours=promise.target)
            wall = start
            while True:
                available = datetime.combine(wall.date(), time(17)) - wall
                if remaining <= available:
                    wall += remaining
                    break
                remaining -= available
                wall = datetime.combine(self.next_working(wall.date()), time(9))
        return wall.replace(tzinfo=LONDON).astimezone(UTC)


def receipts(rng: random.Random, n: int) -> list[datetime]:
    span = int((END - START).total_seconds())
    return [START + timedelta(seconds=rng.randrange(span)) for _ in range(n)]


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="due dates to compute")
    parser.add_argument("--naive-n", type=int, default=20_000, help="sample for the naive loop")
    parser.add_argument("--seed", type=int, default=20261127)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)

    t0 = clock.perf_counter()
    cal = WorkingCalendar()
    build = clock.perf_counter() - t0
    t0 = clock.perf_counter()
    WorkingCalendar(cal.rules)
    rebuild = clock.perf_counter() - t0

    instants = receipts(rng, args.n)
    chosen = [PROMISES[i % len(PROMISES)] for i in range(args.n)]

    # The headline figure: receipt instant in, due instant out (clock start included).
    t0 = clock.perf_counter()
    for promise, received in zip(chosen, instants, strict=True):
        due_at(promise, received, cal)
    fast = rate(args.n, clock.perf_counter() - t0)

    # The naive loop on a smaller sample; it must agree with the engine case for case.
    naive = NaiveClock()
    sample_n = min(args.naive_n, args.n)
    sample = list(zip(chosen[:sample_n], instants[:sample_n], strict=True))
    t0 = clock.perf_counter()
    naive_dues = [naive.due(p, r) for p, r in sample]
    slow = rate(sample_n, clock.perf_counter() - t0)
    mismatches = sum(due_at(p, r, cal) != d for (p, r), d in zip(sample, naive_dues, strict=True))

    # Full customer-facing answer (clock start, reason, due, sentence) on a sample.
    words_n = min(100_000, args.n)
    t0 = clock.perf_counter()
    for promise, received in zip(chosen[:words_n], instants[:words_n], strict=True):
        promise_due(promise.code, received, cal)
    worded = rate(words_n, clock.perf_counter() - t0)

    per_n = max(1, min(200_000, args.n // 5))
    per_promise: list[tuple[str, str, float]] = []
    for promise in PROMISES:
        t0 = clock.perf_counter()
        for received in instants[:per_n]:
            due_at(promise, received, cal)
        per_promise.append((promise.code, _rule(promise), rate(per_n, clock.perf_counter() - t0)))

    # Same rule, 1 versus 15 working days: the engine's cost is flat, the naive loop's grows.
    short, long_ = build_promises({"query": 1})["query"], build_promises({"query": 15})["query"]
    flat: list[tuple[str, float, float]] = []
    naive_per = min(sample_n, 10_000)
    for label, promise in (("1 working day", short), ("15 working days", long_)):
        t0 = clock.perf_counter()
        for received in instants[:per_n]:
            due_at(promise, received, cal)
        engine_rate = rate(per_n, clock.perf_counter() - t0)
        t0 = clock.perf_counter()
        for received in instants[:naive_per]:
            naive.due(promise, received)
        flat.append((label, engine_rate, rate(naive_per, clock.perf_counter() - t0)))

    print(f"charter clock benchmark  (Python {platform.python_version()}, {platform.machine()})")
    print(f"calendar build 2010-2040: {build * 1000:.0f} ms first, {rebuild * 1000:.1f} ms rebuild")
    print(f"due dates (receipt -> due), n={args.n:,}: {fast:,.0f} per second")
    print(f"naive day-by-day loop, n={sample_n:,}: {slow:,.0f} per second")
    print(f"speed-up: {fast / slow:.1f}x  (mismatches against naive: {mismatches})")
    print(f"promise_due with wording, n={words_n:,}: {worded:,.0f} per second")
    print(f"per promise, n={per_n:,} each:")
    for code, rule, value in per_promise:
        print(f"  {code:<24} {rule:<18} {value:>12,.0f} per second")
    print("same rule, different target (engine vs naive):")
    for label, engine_rate, naive_rate in flat:
        print(f"  {label:<17} engine {engine_rate:>12,.0f}/s   naive {naive_rate:>10,.0f}/s")
    return 1 if mismatches else 0


def _rule(promise: Promise) -> str:
    if promise.kind is RuleKind.WORKING_DAYS:
        return f"{promise.target} working days"
    if promise.kind is RuleKind.OFFICE_HOURS:
        return f"{promise.target} office hours"
    return "same working day"


if __name__ == "__main__":
    raise SystemExit(main())
