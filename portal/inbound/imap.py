"""Reading a mailbox over IMAP (RFC 3501) with the standard library's ``imaplib``.

Messages are read with ``BODY.PEEK[]`` (the same bytes as ``RFC822`` without marking them
read, so a message we fail on looks untouched to a person), and moved out of the folder once
the database has recorded them: everything still in the folder is therefore new, whatever
happened to an earlier run. Servers without ``MOVE`` (RFC 6851) get COPY, a ``\\Deleted``
flag and an expunge of that one UID where ``UIDPLUS`` allows.
"""

from __future__ import annotations

import imaplib
import re
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from .mailboxes import Mailbox

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_INTERNALDATE = re.compile(
    r'INTERNALDATE "\s?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)"'
)
_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")


class ImapError(Exception):
    """The server refused a command or answered something we cannot use."""


def parse_internaldate(text: str) -> datetime:
    """An IMAP INTERNALDATE (``25-Nov-2026 10:00:00 +0000``) as an aware UTC instant.

    Parsed by hand, because ``strptime``'s month names follow the process's locale.
    """
    found = _INTERNALDATE.search(text)
    if not found:
        raise ImapError(f"no INTERNALDATE in {text[:120]!r}")
    day, month, year, hour, minute, second, sign, off_h, off_m = found.groups()
    if month.title() not in _MONTHS:
        raise ImapError(f"bad month in INTERNALDATE {found.group(0)!r}")
    offset = timedelta(hours=int(off_h), minutes=int(off_m))
    local = datetime(
        int(year), _MONTHS[month.title()], int(day), int(hour), int(minute), int(second),
        tzinfo=timezone(offset if sign == "+" else -offset),
    )  # fmt: skip
    return local.astimezone(UTC)


def quote(name: str) -> str:
    """An IMAP quoted string (imaplib sends arguments exactly as given)."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class Fetched:
    uid: int
    received_at: datetime  # INTERNALDATE: when the server accepted the message
    size: int
    raw: bytes | None  # None when the message is over the size limit
    header: bytes  # the header block alone (also when raw is None)


def _check(result: tuple[str, list], what: str) -> list:
    typ, data = result
    if typ != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("ascii", "replace")
        raise ImapError(f"{what} refused: {detail[:200]}")
    return data


class ImapMailbox:
    """One logged-in connection to one mailbox's folder."""

    def __init__(self, conn: imaplib.IMAP4, box: Mailbox) -> None:
        self.conn = conn
        self.box = box
        caps = _check(conn.capability(), "CAPABILITY")  # again: login may have added some
        self.capabilities = set(caps[0].decode("ascii", "replace").upper().split())
        self.uid_validity: int | None = None

    @classmethod
    @contextmanager
    def open(cls, box: Mailbox, timeout: float = 30) -> Iterator[ImapMailbox]:
        """Connect (TLS unless the mailbox is a loopback test server), log in, and select
        the mailbox's folder; log out however the block ends."""
        context = ssl.create_default_context(cafile=box.ca_file)
        if box.ssl == "tls":
            conn = imaplib.IMAP4_SSL(box.host, box.port, ssl_context=context, timeout=timeout)
        else:
            conn = imaplib.IMAP4(box.host, box.port, timeout=timeout)
            if box.ssl == "starttls":
                conn.starttls(context)
        try:
            try:
                conn.login(box.username, box.password)
            except imaplib.IMAP4.error as exc:
                raise ImapError(f"login as {box.username} refused: {exc}") from None
            mailbox = cls(conn, box)
            mailbox.select(box.folder)
            yield mailbox
        finally:
            try:
                conn.logout()
            except (imaplib.IMAP4.error, OSError):
                pass  # the connection is going anyway

    def select(self, folder: str) -> int | None:
        _check(self.conn.select(quote(folder)), f"SELECT {folder}")
        _typ, data = self.conn.response("UIDVALIDITY")
        self.uid_validity = int(data[0]) if data and data[0] else None
        return self.uid_validity

    def ensure_folder(self, folder: str) -> None:
        """Create ``folder`` unless it exists (staff find moved messages there)."""
        data = _check(self.conn.list('""', quote(folder)), f"LIST {folder}")
        if any(item for item in data if item):
            return
        typ, detail = self.conn.create(quote(folder))
        if typ != "OK" and b"ALREADYEXISTS" not in b" ".join(detail).upper():
            raise ImapError(f"CREATE {folder} refused: {detail!r}")
        self.conn.subscribe(quote(folder))

    def uids(self) -> list[int]:
        """UIDs of the messages in the folder, oldest first."""
        data = _check(self.conn.uid("SEARCH", None, "UNDELETED"), "UID SEARCH")
        return sorted(int(u) for u in (data[0] or b"").split())

    def _fetch(self, uid: int, items: str) -> list[tuple[bytes, bytes | None]]:
        data = _check(self.conn.uid("FETCH", str(uid), items), f"UID FETCH {uid}")
        found = []
        for item in data:
            meta, literal = (item[0], item[1]) if isinstance(item, tuple) else (item, None)
            if isinstance(meta, bytes) and (m := _UID.search(meta)) and int(m.group(1)) == uid:
                found.append((meta, literal))
        return found

    def fetch(self, uid: int, max_bytes: int) -> Fetched | None:
        """The message with ``uid``, or None if it has gone (another worker moved it)."""
        found = self._fetch(uid, "(UID RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER])")
        if not found:
            return None
        meta, header = found[0]
        size_match = _SIZE.search(meta)
        size = int(size_match.group(1)) if size_match else 0
        received_at = parse_internaldate(meta.decode("ascii", "replace"))
        raw = None
        if size <= max_bytes:
            body = self._fetch(uid, "(UID BODY.PEEK[])")
            if not body or body[0][1] is None:
                return None
            raw = body[0][1]
        return Fetched(uid, received_at, size, raw, header or b"")

    def move(self, uid: int, folder: str) -> None:
        """Move one message to ``folder``; a UID already gone is not an error."""
        if "MOVE" in self.capabilities:
            _check(self.conn.uid("MOVE", str(uid), quote(folder)), f"UID MOVE {uid}")
            return
        _check(self.conn.uid("COPY", str(uid), quote(folder)), f"UID COPY {uid}")
        _check(self.conn.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)"), f"UID STORE {uid}")
        if "UIDPLUS" in self.capabilities:
            _check(self.conn.uid("EXPUNGE", str(uid)), f"UID EXPUNGE {uid}")
        else:  # pragma: no cover - the test server has UIDPLUS
            _check(self.conn.expunge(), "EXPUNGE")
