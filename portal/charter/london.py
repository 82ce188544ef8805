"""London time without calling ``zoneinfo`` on the hot path (CHARTER.md section 1).

Offsets from UTC are precomputed per UTC day, and every London date's opening and closing
instants once per set of office hours, so the working calendar converts by list lookup.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

UTC = UTC
LONDON = ZoneInfo("Europe/London")
DAY_SECONDS = 86_400


@lru_cache(maxsize=8)
def utc_offset_table(first_ord: int, last_ord: int) -> tuple[list[int], list[int], list[int]]:
    """London offsets for each UTC day from ``first_ord`` to ``last_ord`` (inclusive).

    Returns three lists indexed by ``ordinal - first_ord``: the offset in seconds at the start
    of the day, the UTC second-of-day at which it changes (``DAY_SECONDS`` when it does not) and the
    offset after the change. This replaces a ``zoneinfo`` call per conversion with two list
    lookups. At most one change per day is assumed, which holds for Europe/London.
    """
    before: list[int] = []
    change_at: list[int] = []
    after: list[int] = []
    one_day = timedelta(days=1)
    for ordinal in range(first_ord, last_ord + 1):
        start = datetime.fromordinal(ordinal).replace(tzinfo=UTC)
        off0 = int(start.astimezone(LONDON).utcoffset().total_seconds())  # type: ignore[union-attr]
        end = start + one_day
        off1 = int(end.astimezone(LONDON).utcoffset().total_seconds())  # type: ignore[union-attr]
        before.append(off0)
        after.append(off1)
        if off0 == off1:
            change_at.append(DAY_SECONDS)
            continue
        # Binary search for the first second of the day that has the new offset.
        lo, hi = 0, DAY_SECONDS
        while lo < hi:
            mid = (lo + hi) // 2
            probe = start + timedelta(seconds=mid)
            if int(probe.astimezone(LONDON).utcoffset().total_seconds()) == off1:  # type: ignore[union-attr]
                hi = mid
            else:
                lo = mid + 1
        change_at.append(lo)
    return before, change_at, after


def local_to_utc_table(
    ordinal: int, sod: int, ubase: int, before: list[int], change: list[int], after: list[int]
) -> datetime:
    """UTC instant of London wall time ``sod`` on ``ordinal`` (spring-gap times move forward)."""

    def offset_at(dt: datetime) -> int:
        j = dt.toordinal() - ubase
        s = dt.hour * 3600 + dt.minute * 60 + dt.second
        return before[j] if s < change[j] else after[j]

    naive = datetime.fromordinal(ordinal) + timedelta(seconds=sod)
    off = before[ordinal - ubase]
    guess = (naive - timedelta(seconds=off)).replace(tzinfo=UTC)
    off2 = offset_at(guess)
    if off2 != off:
        guess = (naive - timedelta(seconds=off2)).replace(tzinfo=UTC)
        if offset_at(guess) != off2:
            # Wall time that does not exist (spring gap): keep the first reading.
            guess = (naive - timedelta(seconds=off)).replace(tzinfo=UTC)
    return guess


@lru_cache(maxsize=8)
def day_instants(
    first_ord: int, last_ord: int, open_s: int, close_s: int
) -> tuple[list[datetime], list[datetime], bytearray]:
    """Opening and closing instants (UTC) of every London date, and clock-change straddle flags."""
    ubase = first_ord - 1
    before, change, after = utc_offset_table(ubase, last_ord + 1)
    opens: list[datetime] = []
    closes: list[datetime] = []
    straddles = bytearray(last_ord - first_ord + 1)
    for ordinal in range(first_ord, last_ord + 1):
        o = local_to_utc_table(ordinal, open_s, ubase, before, change, after)
        c = local_to_utc_table(ordinal, close_s, ubase, before, change, after)
        if (c - o).total_seconds() != close_s - open_s:
            straddles[ordinal - first_ord] = 1
        opens.append(o)
        closes.append(c)
    return opens, closes, straddles

