"""iCalendar (RFC 5545) text for an all-day event, written by hand: it is a few lines."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

PRODID = "-//Member Services Portal//Renewal reminders//EN"


def _escape(text: str) -> str:
    """TEXT values escape backslash, semicolon, comma and newlines (RFC 5545 3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets, continuation lines starting with a space (3.1).

    Folds between characters, never inside a multi-byte UTF-8 sequence.
    """
    if len(line.encode()) <= 75:  # the usual case: nothing to fold
        return line
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def all_day_event(
    uid: str,
    day: date,
    summary: str,
    description: str = "",
    stamp: datetime | None = None,
) -> str:
    """A VCALENDAR with one all-day VEVENT on ``day``, lines ending CRLF.

    DTEND is the next day (exclusive), as RFC 5545 3.6.1 defines for a one-day event.
    """
    stamp = (stamp or datetime.now(UTC)).astimezone(UTC)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{_escape(summary)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{_escape(description)}")
    lines += ["TRANSP:TRANSPARENT", "END:VEVENT", "END:VCALENDAR"]
    return "".join(_fold(line) + "\r\n" for line in lines)
