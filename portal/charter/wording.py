"""Plain-English dates and times in London time (CHARTER.md sections 1, 2 and 6).

House style, used everywhere so screens, emails and reports agree:

* times: "9am", "5pm", "4:30pm", "midday", "midnight" (12-hour clock, no leading zero,
  minutes only when not on the hour, seconds never shown);
* dates: "Thursday 3 December", with " 2026" appended when the year is wanted;
* together: "5pm on Thursday 3 December".
"""

from __future__ import annotations

from datetime import date, datetime, time

from .calendar import LONDON

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _london(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("naive datetime: charter instants must be timezone-aware (UTC)")
    return instant.astimezone(LONDON)


def format_clock_time(t: time | datetime) -> str:
    """A wall-clock time as people say it: "9am", "4:30pm", "midday", "midnight"."""
    hour, minute = t.hour, t.minute
    if minute == 0 and hour == 12:
        return "midday"
    if minute == 0 and hour == 0:
        return "midnight"
    suffix = "am" if hour < 12 else "pm"
    h12 = hour % 12 or 12
    return f"{h12}{suffix}" if minute == 0 else f"{h12}:{minute:02d}{suffix}"


def format_date(d: date, with_year: bool = True) -> str:
    """A date as "Thursday 3 December 2026" (or without the year)."""
    text = f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]}"
    return f"{text} {d.year}" if with_year else text


def format_london_date(instant: datetime, with_year: bool = False) -> str:
    """The London date of an aware instant: "Thursday 3 December"."""
    return format_date(_london(instant).date(), with_year)


def format_london_time(instant: datetime) -> str:
    """The London wall-clock time of an aware instant: "5pm"."""
    return format_clock_time(_london(instant))


def format_london(instant: datetime, with_year: bool = False) -> str:
    """An aware instant in London time: "5pm on Thursday 3 December" (section 1).

    Seconds are dropped, never rounded up, so the words never promise later than the
    engine does.
    """
    local = _london(instant)
    return f"{format_clock_time(local)} on {format_date(local.date(), with_year)}"


def london_year(instant: datetime) -> int:
    """The year of an aware instant in London."""
    return _london(instant).year


def office_time_left(seconds: int, office_day_seconds: int, due: datetime | None = None) -> str:
    """Office time before (or past) a due instant, as staff read it in queues:
    "1 working day 2 hours left", "overdue by 3 hours 5 minutes" (CHARTER.md section 7).

    Past the due instant, with ``due`` given, it says since when: "overdue since 5pm on
    Friday 27 November". Office time alone misleads at a glance: on Monday morning a
    promise missed at 5pm on Friday is overdue by "less than a minute" of office time."""
    if seconds < 0 and due is not None:
        return f"overdue since {format_london(due)}"
    amount = abs(seconds)
    days, rest = divmod(amount, office_day_seconds)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(f"{days} working day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes and not days:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    words = " ".join(parts) or "less than a minute"
    return f"overdue by {words}" if seconds < 0 else f"{words} left"


# -- promises told to customers: on time, missed, done late (CHARTER.md section 9) -----------

#: What happens after a missed promise, said on every customer page that shows it.
MISSED_NEXT = (
    "Your request is now with our team as a priority and we will do this as soon as we can. "
    "You do not need to do anything."
)
APOLOGY = "We are sorry."


def promise_words(action: str, due_at: datetime | None, met_at: datetime | None,
                  now: datetime) -> tuple[str, str]:
    """The state of a promise and what the customer is told about it, as (state, words).

    state is ``due`` (not yet due), ``missed`` (past its due instant, not kept), ``met``
    (kept in time) or ``late`` (kept after its due instant). A missed promise is called
    missed, with an apology and what happens next; one kept late says "done late", never
    "done" alone (CHARTER.md section 9, "Missed is said plainly")."""
    if due_at is None:
        return "due", ""
    due = format_london(due_at)
    if met_at is not None:
        if met_at > due_at:
            return "late", (f"Done late, at {format_london(met_at)}: we promised to {action} "
                            f"by {due}. {APOLOGY}")
        return "met", f"Done at {format_london(met_at)} (promised by {due})."
    if now > due_at:
        return "missed", (f"We promised to {action} by {due} and we have missed that. "
                          f"{APOLOGY} {MISSED_NEXT}")
    return "due", f"We will {action} by {due}."


def date_words(label: str, due_at: datetime, now: datetime, *, done: bool = False) -> str:
    """A later date shown to a customer (a resolution date, the next update): "by 5pm on
    Monday 7 December", or, once it has passed unmet, said plainly with an apology."""
    if not done and now > due_at:
        return (f"{label} was {format_london(due_at)} and we have missed it. {APOLOGY} "
                "We will be in touch as soon as we can with where things stand.")
    return f"{label}: {format_london(due_at)}."


def on_hold_words(since: datetime) -> str:
    """A resolution date paused while we wait for the customer (CHARTER.md section 9)."""
    return (f"On hold since {format_london(since)} while we wait for your reply. When you "
            "reply, the date moves on by the working time we spent waiting.")


def cutoff_words(cutoff: time) -> str:
    """The same-day promise's cut-off as customers read it: "at or after 4pm"."""
    return f"at or after {format_clock_time(cutoff)}"


def same_day_description(cutoff: time) -> str:
    """The employer-support promise with its cut-off time from the settings."""
    return ("Your named support contact will reply the same working day; requests that reach "
            f"us {cutoff_words(cutoff)} are answered the next working day.")


def promise_sentence(promise, cutoff: time) -> str:
    """A promise's sentence for customers, with the same-day cut-off's time in it."""
    if promise.kind.value == "same_day":
        return same_day_description(cutoff)
    return promise.description


def renewal_reminder_words(renewal: date, reminder: date, today: date) -> str:
    """The dashboard's renewal line: promise the reminder only while its day is to come."""
    if today < reminder:
        return (f"To renew, pay your subscription by your renewal date. We will remind you on "
                f"{format_date(reminder)}, four weeks before it.")
    if today <= renewal:
        return "To renew, pay your subscription by your renewal date."
    return ("Your renewal date has passed. Renew now to keep your membership: it lapses at "
            "the end of the grace period.")


def callback_preference_words(preference: str | None, words: str | None) -> str:
    """What a customer who chose a time for their call back is told beside the promise: the
    call comes in the part of the day they chose, by the promised time at the latest."""
    if not preference or preference == "any" or not words:
        return ""
    return (f"You asked us to call in the {words[0].lower()}{words[1:]}. We will call you "
            "then, within our promise; if no such time is left before it, we will call "
            "before it and leave a message if you cannot talk.")
