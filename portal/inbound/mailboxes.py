"""The mailboxes the portal reads, from the ``INBOUND_MAILBOXES`` setting.

The setting is a JSON list (from the environment variable of the same name) of objects::

    [{"name": "enquiries", "host": "imap.example.org", "port": 993,
      "username": "enquiries@example.org", "password_env": "ENQUIRIES_IMAP_PASSWORD",
      "folder": "INBOX", "kind": "query", "ssl": "tls"}]

``password`` may be given inline instead of ``password_env``; either way it comes from the
environment and never from a file in the repository. ``ssl`` is ``"tls"`` (IMAP over TLS,
the default, also written ``true``), ``"starttls"``, or ``"none"`` (``false``), which is only
accepted for a server on this machine (a test server or a local relay): a mailbox password
never crosses a network in clear. ``ca_file`` optionally names a CA bundle for a server whose
certificate a private authority signed. ``processed_folder`` and ``attention_folder``
override the global folder settings for one mailbox.
"""

from __future__ import annotations

import ipaddress
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from config import ConfigError

#: Kinds of request a mailbox can open: every charter promise a person can ask for by
#: email (CHARTER.md section 4). Callbacks, certificates and reminders are not asked for
#: by writing to a mailbox.
EMAIL_KINDS = (
    "query",
    "complaint",
    "feedback",
    "membership-application",
    "membership-upgrade",
    "employer-support",
    "centre-support",
)

SSL_MODES = {"tls": "tls", "starttls": "starttls", "none": "none", True: "tls", False: "none"}
_ALLOWED_KEYS = {
    "name",
    "host",
    "port",
    "username",
    "password",
    "password_env",
    "folder",
    "kind",
    "ssl",
    "ca_file",
    "processed_folder",
    "attention_folder",
}


@dataclass(frozen=True)
class Mailbox:
    """One IMAP mailbox and the kind of request its messages open."""

    name: str
    host: str
    port: int
    username: str
    password: str = field(repr=False)
    kind: str
    folder: str = "INBOX"
    ssl: str = "tls"
    ca_file: str | None = None
    processed_folder: str = "Processed"
    attention_folder: str = "Needs attention"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _folder_name(value: object, what: str, where: str) -> str:
    # IMAP folder names outside ASCII need modified UTF-7; nobody needs that here, and a
    # quote or control character in a name would break the command it is sent in.
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: {what} must be a folder name")
    if not value.isascii() or any(c in value for c in '"\\\r\n') or not value.isprintable():
        raise ConfigError(f"{where}: {what} must be plain ASCII without quotes")
    return value.strip()


def _mailbox(entry: object, index: int, defaults: Mapping[str, str]) -> Mailbox:
    where = f"INBOUND_MAILBOXES[{index}]"
    if not isinstance(entry, Mapping):
        raise ConfigError(f"{where} must be an object")
    unknown = set(entry) - _ALLOWED_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: name is required")
    where = f"mailbox {name!r}"
    for key in ("host", "username"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise ConfigError(f"{where}: {key} is required")
    kind = entry.get("kind")
    if kind not in EMAIL_KINDS:
        raise ConfigError(f"{where}: kind must be one of {', '.join(EMAIL_KINDS)}")
    ssl = SSL_MODES.get(entry.get("ssl", "tls"))
    if ssl is None:
        raise ConfigError(f"{where}: ssl must be tls, starttls or none")
    host = entry["host"].strip()
    if ssl == "none" and not is_loopback(host):
        raise ConfigError(f"{where}: ssl none is only allowed for a server on this machine")
    port = entry.get("port", 993 if ssl == "tls" else 143)
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise ConfigError(f"{where}: port must be a number from 1 to 65535")
    if "password_env" in entry:
        password = os.environ.get(str(entry["password_env"]))
        if not password:
            raise ConfigError(f"{where}: environment variable {entry['password_env']} is not set")
    else:
        password = entry.get("password")
        if not isinstance(password, str) or not password:
            raise ConfigError(f"{where}: password or password_env is required")
    return Mailbox(
        name=name.strip(),
        host=host,
        port=port,
        username=entry["username"].strip(),
        password=password,
        kind=kind,
        folder=_folder_name(entry.get("folder", "INBOX"), "folder", where),
        ssl=ssl,
        ca_file=entry.get("ca_file") or None,
        processed_folder=_folder_name(
            entry.get("processed_folder", defaults["processed"]), "processed_folder", where
        ),
        attention_folder=_folder_name(
            entry.get("attention_folder", defaults["attention"]), "attention_folder", where
        ),
    )


def load_mailboxes(config: Mapping) -> list[Mailbox]:
    """The mailboxes in ``config`` (an app's config), checked; ``[]`` when none are set.

    ``INBOUND_MAILBOXES`` may be the JSON text from the environment or, in tests, the list
    itself. Raises :class:`ConfigError` naming the mailbox and the problem (never a password).
    """
    raw = config.get("INBOUND_MAILBOXES") or []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"INBOUND_MAILBOXES is not valid JSON: {exc.msg}") from None
    if not isinstance(raw, list):
        raise ConfigError("INBOUND_MAILBOXES must be a JSON list of mailboxes")
    defaults = {
        "processed": config.get("INBOUND_PROCESSED_FOLDER", "Processed"),
        "attention": config.get("INBOUND_ATTENTION_FOLDER", "Needs attention"),
    }
    boxes = [_mailbox(entry, i, defaults) for i, entry in enumerate(raw)]
    names = [box.name for box in boxes]
    if len(set(names)) != len(names):
        raise ConfigError("INBOUND_MAILBOXES: every mailbox needs a different name")
    for box in boxes:
        if box.folder in (box.processed_folder, box.attention_folder):
            raise ConfigError(f"mailbox {box.name!r}: folder must differ from the moved-to folders")
    return boxes
