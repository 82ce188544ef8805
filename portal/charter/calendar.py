"""The working calendar every charter promise runs on (CHARTER.md section 1).

A :class:`WorkingCalendar` is built once from :class:`CalendarRules` and then answers every
question about working days and office time by index arithmetic over precomputed arrays, so
adding 15 working days costs the same as adding one and no public method loops over days.

Conventions used throughout:

* Public instants are timezone-aware datetimes; results are always in UTC. A naive datetime
  raises ``ValueError`` because guessing its zone is how deadlines go wrong by an hour.
* London wall-clock time (``Europe/London``) decides what is a working day and what is
  inside office hours. Offsets are precomputed per UTC day, so the hot path never calls
  ``zoneinfo``.
* "Office position" is a running count of office microseconds since the first day the
  calendar covers. Office time between two instants is the difference of their positions,
  which is how office-time arithmetic stays O(1) across weekends, holidays and clock changes.
"""

from __future__ import annotations

import bisect
from datetime import UTC, date, datetime, time, timedelta

from .london import DAY_SECONDS, LONDON, day_instants, local_to_utc_table, utc_offset_table
from .rules import WEEKDAY_NAMES, CalendarRules, PhoneLines, bank_holidays, seconds_of_day

__all__ = ["LONDON", "UTC", "CalendarRules", "PhoneLines", "WorkingCalendar"]

_US = 1_000_000



class WorkingCalendar:
    """Working days, office hours and office time for one set of rules (CHARTER.md section 1).

    Covers London dates from 1 January ``first_year`` to 31 December ``last_year``; a date or
    result outside that range raises ``ValueError``. Build once and share: instances are
    read-only after construction.
    """

    def __init__(
        self, rules: CalendarRules | None = None, first_year: int = 2010, last_year: int = 2040
    ) -> None:
        if first_year > last_year:
            raise ValueError("first_year must not be after last_year")
        self.rules = rules if rules is not None else CalendarRules()
        self.first_year = first_year
        self.last_year = last_year
        self.first_date = date(first_year, 1, 1)
        self.last_date = date(last_year, 12, 31)
        self._base = self.first_date.toordinal()
        self._end = self.last_date.toordinal()

        bank = dict(bank_holidays(first_year, last_year))
        for d in self.rules.removed_holidays:
            bank.pop(d, None)
        bank.update(self.rules.extra_holidays)
        self._bank = bank
        self._closures = self.rules.all_closures()

        self.open_s = seconds_of_day(self.rules.office_open)
        self.close_s = seconds_of_day(self.rules.office_close)
        self.cutoff_s = seconds_of_day(self.rules.same_day_cutoff)
        self.day_us = (self.close_s - self.open_s) * _US

        # Dense per-date arrays (index = ordinal - base) give O(1) answers without bisect:
        # _count_before[i] = number of working days strictly before that date, which is also
        # the working-day index of the date when it is itself a working day.
        # Ordinal 1 (1 January of year 1) was a Monday, so (ordinal - 1) % 7 is the weekday.
        off_days = {d.toordinal() for d in bank} | {d.toordinal() for d in self._closures}
        working: list[int] = []
        is_working = bytearray(self._end - self._base + 1)
        count_before: list[int] = []
        for ordinal in range(self._base, self._end + 1):
            count_before.append(len(working))
            if (ordinal - 1) % 7 < 5 and ordinal not in off_days:
                is_working[ordinal - self._base] = 1
                working.append(ordinal)
        self._working = working
        self._is_working = is_working
        self._count_before = count_before

        # UTC offsets for every UTC day that can map to a covered London date.
        self._ubase = self._base - 1
        self._off_before, self._off_change, self._off_after = utc_offset_table(
            self._ubase, self._end + 1
        )

        # Opening and closing instants (UTC) of every working day, so that a due date such as
        # "17:00 on the Nth working day" is a single list lookup. The per-date instants depend
        # only on the years and office hours, so they are cached across rule changes.
        all_open, all_close, straddles = day_instants(
            self._base, self._end, self.open_s, self.close_s
        )
        base = self._base
        for ordinal in working:
            if straddles[ordinal - base]:
                # Office-time arithmetic assumes office hours never straddle a clock change.
                # In London changes happen early on Sunday mornings, so this only trips for
                # unusual rules; fail loudly rather than be an hour out.
                raise ValueError(
                    f"office hours on {date.fromordinal(ordinal)} straddle a clock change"
                )
        self._open_utc = [all_open[o - base] for o in working]
        self._close_utc = [all_close[o - base] for o in working]

    # ------------------------------------------------------------------ conversions
    def _local_to_utc(self, ordinal: int, sod: int) -> datetime:
        """UTC instant of a London wall-clock time; a time in the spring gap moves forward."""
        return local_to_utc_table(
            ordinal, sod, self._ubase, self._off_before, self._off_change, self._off_after
        )

    def local_parts(self, instant: datetime) -> tuple[int, int, int]:
        """London (date ordinal, second of day, microsecond) of an aware instant.

        This is the engine's hot path: two list lookups and some integer arithmetic.
        """
        if instant.tzinfo is not UTC:
            if instant.tzinfo is None or instant.utcoffset() is None:
                raise ValueError("naive datetime: charter instants must be timezone-aware (UTC)")
            instant = instant.astimezone(UTC)
        ordinal = instant.toordinal()
        j = ordinal - self._ubase
        sod = instant.hour * 3600 + instant.minute * 60 + instant.second
        try:
            sod += self._off_before[j] if sod < self._off_change[j] else self._off_after[j]
        except IndexError:
            raise ValueError(f"{instant.isoformat()} is outside the calendar's years") from None
        if j < 0:
            raise ValueError(f"{instant.isoformat()} is outside the calendar's years")
        if sod >= DAY_SECONDS:
            sod -= DAY_SECONDS
            ordinal += 1
        elif sod < 0:
            sod += DAY_SECONDS
            ordinal -= 1
        if ordinal < self._base or ordinal > self._end:
            raise ValueError(f"{instant.isoformat()} is outside the calendar's years")
        return ordinal, sod, instant.microsecond

    def to_london(self, instant: datetime) -> datetime:
        """The instant as an aware London datetime (for display only)."""
        _require_aware(instant)
        return instant.astimezone(LONDON)

    def london_instant(self, d: date, t: time) -> datetime:
        """UTC instant of London wall-clock time ``t`` on date ``d``."""
        ordinal = self._ordinal(d)
        local = self._local_to_utc(ordinal, seconds_of_day(t))
        return local + timedelta(microseconds=t.microsecond)

    def _ordinal(self, d: date) -> int:
        if isinstance(d, datetime):
            raise TypeError("expected a date, got a datetime")
        ordinal = d.toordinal()
        if ordinal < self._base or ordinal > self._end:
            raise ValueError(
                f"{d} is outside the calendar's years ({self.first_year}-{self.last_year})"
            )
        return ordinal

    # ------------------------------------------------------------------ working days
    def is_working_day(self, d: date) -> bool:
        """True if ``d`` is a working day: Mon-Fri, not a bank holiday or closure (section 1)."""
        return bool(self._is_working[self._ordinal(d) - self._base])

    def non_working_reason(self, d: date) -> str | None:
        """Why ``d`` is not a working day, in plain words, or ``None`` if it is one (section 1).

        A bank holiday's name wins over the weekday ("Christmas Day" on a Saturday), and an
        organisation closure reads "Closure: <reason>" (or "Office closure" with no reason).
        """
        if self.is_working_day(d):
            return None
        if d in self._bank:
            return self._bank[d]
        if d in self._closures:
            reason = self.rules.closure_reasons.get(d)
            return f"Closure: {reason}" if reason else "Office closure"
        return WEEKDAY_NAMES[d.weekday()]

    def is_bank_holiday(self, d: date) -> bool:
        """True if ``d`` is a bank holiday after the administrator's corrections."""
        return d in self._bank

    def non_working_weekdays(self, year: int) -> list[tuple[date, str]]:
        """Weekdays in ``year`` that are not working days, with reasons.

        Feeds ``flask charter calendar YEAR``.
        """
        if year < self.first_year or year > self.last_year:
            raise ValueError(f"{year} is outside the calendar's years")
        out: list[tuple[date, str]] = []
        start = date(year, 1, 1).toordinal()
        for ordinal in range(start, date(year, 12, 31).toordinal() + 1):
            if not self._is_working[ordinal - self._base]:
                d = date.fromordinal(ordinal)
                if d.weekday() < 5:
                    out.append((d, self.non_working_reason(d) or ""))
        return out

    def is_postal_day(self, d: date) -> bool:
        """True if the post runs on ``d``: Monday to Saturday, not a bank holiday (CHARTER.md
        section 9). The organisation's own closure days do not stop the post."""
        return d.weekday() < 6 and not self.is_bank_holiday(d)

    def add_postal_days(self, d: date, n: int) -> date:
        """The ``n``th postal day after ``d`` (``d`` is day 0; ``n >= 0``), as
        :meth:`add_working_days` counts working days."""
        if n < 0:
            raise ValueError("postal days are counted forwards only")
        day = d
        if n == 0:
            while not self.is_postal_day(day):
                day += timedelta(days=1)
            return day
        while n > 0:
            day += timedelta(days=1)
            if day > self.last_date:
                raise ValueError("result falls outside the calendar's years")
            if self.is_postal_day(day):
                n -= 1
        return day

    def _working_at(self, index: int) -> int:
        if index < 0 or index >= len(self._working):
            raise ValueError("result falls outside the calendar's years")
        return self._working[index]

    def add_working_days(self, d: date, n: int) -> date:
        """The ``n``th working day after ``d``, counting ``d`` as day 0 (CHARTER.md section 3).

        ``d`` need not be a working day: day 1 is then the first working day after it.
        ``n = 0`` returns ``d`` if it is a working day, else the next one. Negative ``n``
        counts backwards (``-1`` is the last working day before ``d``). O(1).
        """
        i = self._ordinal(d) - self._base
        if n >= 0:
            # Working days on or before d, then step n-1 further (index of the nth after d).
            on_or_before = self._count_before[i] + self._is_working[i]
            index = on_or_before + n - 1 if n > 0 else self._count_before[i]
        else:
            index = self._count_before[i] + n
        return date.fromordinal(self._working_at(index))

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        return self.add_working_days(d, 1)

    def working_day_on_or_after(self, d: date) -> date:
        """``d`` itself if it is a working day, else the next working day."""
        return self.add_working_days(d, 0)

    def working_days_between(self, d1: date, d2: date) -> int:
        """Working days in ``(d1, d2]``; negative when ``d2`` is before ``d1``.

        Inverse of :meth:`add_working_days`: for a working day ``d``,
        ``working_days_between(d, add_working_days(d, n)) == n``.
        """
        i1 = self._ordinal(d1) - self._base
        i2 = self._ordinal(d2) - self._base
        return (self._count_before[i2] + self._is_working[i2]) - (
            self._count_before[i1] + self._is_working[i1]
        )

    def working_days(self, start: date, end: date) -> list[date]:
        """All working days from ``start`` to ``end`` inclusive (slices the index, no day loop)."""
        lo = bisect.bisect_left(self._working, self._ordinal(start))
        hi = bisect.bisect_right(self._working, self._ordinal(end))
        return [date.fromordinal(o) for o in self._working[lo:hi]]

    # ------------------------------------------------------------------ office time
    def _position(self, ordinal: int, sod: int, micro: int) -> int:
        """Office microseconds elapsed since the calendar's start, at a London wall time."""
        i = ordinal - self._base
        base = self._count_before[i] * self.day_us
        if not self._is_working[i]:
            return base
        into = sod - self.open_s
        if into <= 0:
            return base
        if sod >= self.close_s:
            return base + self.day_us
        return base + into * _US + micro

    def office_position(self, instant: datetime) -> int:
        """Office microseconds from the calendar's first day to ``instant`` (monotonic)."""
        return self._position(*self.local_parts(instant))

    def _instant_at_position(self, position: int) -> datetime:
        """Earliest instant whose office position equals ``position``.

        A position that lands exactly on the end of an office day resolves to that day's
        closing time, not the next morning: 09:00 plus 8 office hours is 17:00 the same day.
        """
        k, rem = divmod(position, self.day_us)
        if rem == 0 and k > 0:
            return self._close_utc[self._check_index(k - 1)]
        return self._open_utc[self._check_index(k)] + timedelta(microseconds=rem)

    def _check_index(self, k: int) -> int:
        if k < 0 or k >= len(self._working):
            raise ValueError("result falls outside the calendar's years")
        return k

    def office_microseconds_between(self, a: datetime, b: datetime) -> int:
        """Office microseconds from ``a`` to ``b`` (negative if ``b`` is before ``a``)."""
        return self.office_position(b) - self.office_position(a)

    def office_seconds_between(self, a: datetime, b: datetime) -> int:
        """Whole office seconds from ``a`` to ``b``, negative if ``b < a`` (sections 5 and 7).

        Only time inside office hours on working days counts; O(1) via the working-day index.
        Rounded towards zero so the sign always matches the order of ``a`` and ``b``.
        """
        us = self.office_microseconds_between(a, b)
        return us // _US if us >= 0 else -((-us) // _US)

    def add_office_seconds(self, instant: datetime, seconds: float) -> datetime:
        """The instant ``seconds`` of office time after ``instant`` (sections 3 and 5).

        Used for callbacks (8 office hours) and for moving a resolution date on after a pause.
        Starting outside office hours counts from the next opening. Zero returns ``instant``
        unchanged (normalised to UTC). Negative values count backwards.
        """
        if seconds == 0:
            _require_aware(instant)
            return instant.astimezone(UTC)
        return self._instant_at_position(self.office_position(instant) + round(seconds * _US))

    # ------------------------------------------------------------------ phone lines
    def phone_lines(self, now: datetime) -> PhoneLines:
        """Whether the phone lines are open at ``now``; they keep office hours (section 1)."""
        ordinal, sod, _ = self.local_parts(now)
        i = ordinal - self._base
        index = self._count_before[i]
        if self._is_working[i]:
            if self.open_s <= sod < self.close_s:
                return PhoneLines(True, closes_at=self._close_utc[index])
            if sod < self.open_s:
                return PhoneLines(False, opens_at=self._open_utc[index])
            index += 1
        return PhoneLines(False, opens_at=self._open_utc[self._check_index(index)])

    # ------------------------------------------------------------------ helpers for the engine
    def opening(self, index: int) -> datetime:
        """Opening instant (UTC) of working day number ``index``."""
        return self._open_utc[self._check_index(index)]

    def closing(self, index: int) -> datetime:
        """Closing instant (UTC) of working day number ``index``."""
        return self._close_utc[self._check_index(index)]

    def working_date(self, index: int) -> date:
        """London date of working day number ``index``."""
        return date.fromordinal(self._working_at(index))


def _require_aware(instant: datetime) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("naive datetime: charter instants must be timezone-aware (UTC)")
