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
