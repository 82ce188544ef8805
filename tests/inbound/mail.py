"""Building test emails."""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage
from email.utils import make_msgid

TRUSTED_SERVER = "mx.portal.test"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60 + b"This program cannot be run in DOS mode"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def build(
    *,
    sender: str = "Ada Lovelace <ada@example.test>",
    to: str = "enquiries@portal.example",
    subject: str = "Question about my membership",
    body: str | None = "Hello,\n\nWhen is my renewal due?\n\nAda",
    html: str | None = None,
    message_id: str | None = "new",
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
    verified: bool = True,
) -> bytes:
    """A raw email. ``message_id="new"`` makes a fresh one; ``None`` leaves it out.
    ``verified`` adds our test mail server's DMARC pass for the sender's domain (the
    testing config trusts ``mx.portal.test``)."""
    msg = EmailMessage()
    if verified:
        domain = sender.rpartition("@")[2].strip(">").lower()
        msg["Authentication-Results"] = (
            f"{TRUSTED_SERVER}; spf=pass smtp.mailfrom={domain}; dmarc=pass header.from={domain}"
        )
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = "Tue, 24 Nov 2026 10:29:00 +0000"
    if message_id == "new":
        message_id = make_msgid(domain="mail.example.test")
    if message_id:
        msg["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        msg[name] = value
    if body is not None:
        msg.set_content(body)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    elif html is not None:
        msg.set_content(html, subtype="html")
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def message_id_of(raw: bytes) -> str:
    from email import message_from_bytes

    return message_from_bytes(raw)["Message-ID"].strip()
