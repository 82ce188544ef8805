"""A real IMAP server on loopback for the inbound email tests: Debian's Dovecot.

One Dovecot runs for the whole session as an unprivileged process (``nobody`` when the tests
run as root) with its own configuration, users and maildirs in a temporary directory, and a
self-signed certificate made with ``openssl`` for the TLS listener. Each test gets an IMAP
account of its own, so tests never see each other's mail.

Without Dovecot these tests skip with the reason; under CI (``CI`` or
``PORTAL_REQUIRE_BROWSER`` set) a missing Dovecot is a failure instead.
"""

from __future__ import annotations

import grp
import imaplib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from tests.inbound.fakes import FakeGateway

DOVECOT = os.environ.get("DOVECOT_PATH") or shutil.which("dovecot") or "/usr/sbin/dovecot"
REQUIRED = bool(os.environ.get("CI") or os.environ.get("PORTAL_REQUIRE_BROWSER"))
ACCOUNTS = 400  # one per test that needs a mailbox; the passwd file is written once
PASSWORD = "imap-test-password"


def _missing(what: str) -> None:
    if REQUIRED:
        pytest.fail(f"{what} is required here (CI) but missing", pytrace=False)
    pytest.skip(f"{what} is not installed (apt-get install dovecot-imapd openssl)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
instance_name = portal-test-{instance}
protocols = imap
listen = 127.0.0.1
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = 1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service anvil {{
  chroot =
  # No growing delay for every login after a failed one (a test tries a wrong password).
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    user = {user}
  }}
  unix_listener stats-writer {{
    user = {user}
  }}
}}
"""


@dataclass
class ImapServer:
    host: str
    port: int
    tls_port: int
    ca_file: str
    _accounts: itertools.count = field(default_factory=lambda: itertools.count(1))

    def new_account(self) -> str:
        n = next(self._accounts)
        if n > ACCOUNTS:
            raise RuntimeError("the test IMAP server ran out of accounts; raise ACCOUNTS")
        return f"box{n}"

    def connect(self, user: str) -> imaplib.IMAP4:
        conn = imaplib.IMAP4(self.host, self.port, timeout=10)
        conn.login(user, PASSWORD)
        return conn

    def append(
        self, user: str, raw: bytes, when: datetime, folder: str = "INBOX", flags: str = ""
    ) -> None:
        """Deliver ``raw`` with INTERNALDATE ``when``, as IMAP APPEND does for a server."""
        conn = self.connect(user)
        try:
            typ, data = conn.append(folder, flags or None, when, raw)
            assert typ == "OK", data
        finally:
            conn.logout()

    def messages(self, user: str, folder: str = "INBOX") -> list[bytes]:
        """The raw messages in ``folder`` (empty if the folder does not exist)."""
        conn = self.connect(user)
        try:
            typ, _ = conn.select(f'"{folder}"', readonly=True)
            if typ != "OK":
                return []
            _typ, data = conn.uid("SEARCH", None, "ALL")
            found = []
            for uid in (data[0] or b"").split():
                _typ, parts = conn.uid("FETCH", uid, "(BODY.PEEK[])")
                found.extend(p[1] for p in parts if isinstance(p, tuple))
            return found
        finally:
            conn.logout()


@pytest.fixture(scope="session")
def imap_server():
    if not Path(DOVECOT).exists():
        _missing(f"Dovecot at {DOVECOT}")
    openssl = shutil.which("openssl")
    if openssl is None:
        _missing("openssl")
    # Not under pytest's own temp dir: that is private to the user running the tests, and
    # Dovecot runs as another (unprivileged) one when the tests run as root.
    root = Path(tempfile.mkdtemp(prefix="portal-dovecot-"))
    as_root = os.geteuid() == 0
    account = pwd.getpwnam("nobody") if as_root else pwd.getpwuid(os.getuid())
    group = account.pw_gid
    group_name = grp.getgrgid(group).gr_name
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem"),
         "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True,
    )  # fmt: skip
    lines = [
        f"box{n}:{{PLAIN}}{PASSWORD}:{account.pw_uid}:{group}::{root}/home/box{n}::"
        for n in range(1, ACCOUNTS + 1)
    ]
    (root / "passwd").write_text("\n".join(lines) + "\n")
    port, tls_port = _free_port(), _free_port()
    (root / "dovecot.conf").write_text(
        CONFIG.format(
            root=root,
            instance=root.name,
            user=account.pw_name,
            group=group_name,
            port=port,
            tls_port=tls_port,
        )
    )
    for sub in ("run", "state", "home"):
        (root / sub).mkdir()
    if as_root:
        for path in [root, *root.rglob("*")]:
            os.chown(path, account.pw_uid, group)
    log = open(root / "stdout.log", "wb")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
        stdout=log,
        stderr=subprocess.STDOUT,
        user=account.pw_uid if as_root else None,
        group=group if as_root else None,
        extra_groups=[] if as_root else None,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                pytest.fail(f"Dovecot stopped: {(root / 'stdout.log').read_text()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("Dovecot did not start listening within 15 seconds")
                time.sleep(0.05)
        yield ImapServer("127.0.0.1", port, tls_port, str(root / "cert.pem"))
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        log.close()
        shutil.rmtree(root, ignore_errors=True)


def mailbox_config(server: ImapServer, user: str, **fields) -> dict:
    """One entry of INBOUND_MAILBOXES for a test account (plain IMAP on loopback)."""
    entry = {
        "name": "enquiries",
        "host": server.host,
        "port": server.port,
        "username": user,
        "password": PASSWORD,
        "folder": "INBOX",
        "kind": "query",
        "ssl": "none",
    }
    entry.update(fields)
    return entry


@pytest.fixture
def mailbox(app, imap_server):
    """A fresh IMAP account configured as the portal's one mailbox (kind ``query``);
    returns its user name."""
    user = imap_server.new_account()
    app.config["INBOUND_MAILBOXES"] = [mailbox_config(imap_server, user)]
    return user


@pytest.fixture
def gateway():
    return FakeGateway()
