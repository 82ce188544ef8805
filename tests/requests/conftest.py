"""Helpers for request tests: small valid files and a quick way to make a request."""

from __future__ import annotations

import io
import zipfile

import pytest

from portal.requests import files, services

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name: str = "letter.pdf", data: bytes = PDF) -> files.Upload:
    return files.check_upload(name, data)


@pytest.fixture
def submit(app):
    """Submit a request of a kind for a member (or a visitor with name/email)."""

    def _submit(kind="query", requester=None, **fields):
        fields.setdefault("subject", "Where is my certificate?")
        fields.setdefault("body", "I passed in June and have not had it yet.")
        if requester is None:
            fields.setdefault("name", "Vera Visitor")
            fields.setdefault("email", "vera@example.test")
        return services.submit_request(kind, requester=requester, **fields)

    return _submit


def post_multipart(client, url: str, fields: dict, uploads: list[tuple[str, bytes]],
                   field: str = "attachments"):
    """POST a multipart form built in memory.

    Werkzeug's test client spools big file bodies to a temporary file it never closes when
    the app refuses the body unread (413), which ``-W error`` turns into a failure.
    """
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    data = MultiDict(fields)
    for name, content in uploads:
        data.add(field, FileStorage(io.BytesIO(content), filename=name))
    boundary, body = encode_multipart(data)
    return client.post(url, data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")
