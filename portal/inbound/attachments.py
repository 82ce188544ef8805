"""Checks on an email's attachments: the same rules as uploads (issue #10).

Whether a file is kept is decided by ``portal.security.uploads.check_upload``, the one check
every upload passes: a PDF, PNG, JPEG or Word (.docx) document by its content, at most 10 MB,
no zip bombs or macros, a name that does not contradict the content. The type is read from
the bytes, never from the name or the type the sender's program claimed, since both are
whatever the sender says. A refused file is not stored; a note for staff says what arrived
and why it was not kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.security import uploads

MAX_ATTACHMENT_BYTES = uploads.MAX_UPLOAD_BYTES

#: What each accepted type is called, for notes and for the stored content type.
ACCEPTED_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
}
_EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}


@dataclass(frozen=True)
class Attachment:
    """A file that passed the checks: safe to hand to the requests area to store."""

    filename: str
    content_type: str  # detected from the content
    data: bytes


@dataclass(frozen=True)
class Refusal:
    """A file that was not kept, and the note staff see about it."""

    filename: str
    claimed_type: str
    size: int
    note: str


def sniff(data: bytes) -> str | None:
    """The accepted content type ``data`` really is, or None (the uploads' own check)."""
    kind = uploads.content_kind(data)
    return uploads.KINDS[kind][0] if kind else None


def safe_filename(name: str | None, content_type: str | None = None, index: int = 1) -> str:
    """A filename safe to show and to store: no folders, no control characters, not empty."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().lstrip(".")
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 140 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else name[:150]
    if not name:
        name = f"attachment-{index}{_EXTENSIONS.get(content_type or '', '')}"
    return name


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MB"
    return f"{max(1, round(count / 1024))} KB"


def check_attachment(
    filename: str | None,
    claimed_type: str,
    data: bytes,
    *,
    index: int = 1,
    max_bytes: int = MAX_ATTACHMENT_BYTES,
) -> Attachment | Refusal:
    """Keep or refuse one attachment by its size and its content."""
    detected = sniff(data)
    name = safe_filename(filename, detected, index)
    try:
        checked = uploads.check_upload(name, data, max_bytes=max_bytes)
    except uploads.UploadRejected as exc:
        described = f"{name} ({claimed_type}, {_size(len(data))})"
        if exc.code == "too_large":
            note = (f"{name} ({_size(len(data))}) was not kept: files can be at most "
                    f"{_size(max_bytes)}.")
        elif exc.code == "type":
            note = (f"{described} was not kept: we accept PDF, PNG, JPEG and Word (.docx) "
                    "files only.")
        else:
            note = f"{described} was not kept: it {exc.clause}"
        return Refusal(name, claimed_type, len(data), note)
    return Attachment(checked.name, checked.mimetype, data)
