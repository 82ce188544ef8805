"""Attachment files: type from content, random names outside ``static/``, tidy rollbacks.

A file is written to ``UPLOAD_DIR`` when its row is added; if the transaction then rolls
back, the file is removed again, so a failed or refused submission leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 5

#: What we accept, by what the content is (never by the name a browser sends).
TYPES = {
    "pdf": ("application/pdf", ".pdf", "PDF"),
    "png": ("image/png", ".png", "PNG image"),
    "jpeg": ("image/jpeg", ".jpg", "JPEG image"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
        "Word document",
    ),
}
ACCEPTED_WORDS = "PDF, PNG, JPEG or Word (.docx)"


class FileRejected(ValueError):
    """The file is not one we accept; the message is for the person who sent it."""


class FileTooLarge(FileRejected):
    pass


@dataclass(frozen=True)
class Upload:
    """A checked file, ready to store."""

    original_name: str
    content_type: str
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def sniff(data: bytes) -> str | None:
    """The accepted type a file's bytes show it to be, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        # A .docx is a zip holding [Content_Types].xml and a word/ folder; other zips
        # (and other Office files) are refused.
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
            return "docx"
    return None


def _clean_name(name: str) -> str:
    # Browsers may send a full path; keep the last part, without control characters.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip() or "attachment"
    return name[-200:]


def check_upload(name: str, data: bytes) -> Upload:
    """Check one uploaded file. Raises :class:`FileTooLarge` or :class:`FileRejected`."""
    name = _clean_name(name or "")
    if len(data) > MAX_FILE_BYTES:
        raise FileTooLarge(f"{name} is larger than 10 MB.")
    if not data:
        raise FileRejected(f"{name} is empty.")
    kind = sniff(data)
    if kind is None:
        raise FileRejected(f"{name} is not a {ACCEPTED_WORDS} file.")
    content_type, extension, _label = TYPES[kind]
    if not name.lower().endswith(extension) and not (
        kind == "jpeg" and name.lower().endswith(".jpeg")
    ):
        # Keep the person's name but make the download open with the right program.
        name = name.rsplit(".", 1)[0][:190] + extension
    return Upload(name, content_type, data, hashlib.sha256(data).hexdigest())


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(stored_name: str) -> Path:
    return upload_dir() / stored_name


def write_file(session: Session, upload: Upload) -> str:
    """Write the bytes under a new random name and return it; undone if ``session`` rolls back."""
    stored_name = secrets.token_hex(16)
    path = upload_dir() / stored_name
    path.write_bytes(upload.data)
    session.info.setdefault("new_files", []).append(path)
    return stored_name


@event.listens_for(Session, "after_commit")
def _keep_files(session: Session) -> None:
    session.info.pop("new_files", None)


@event.listens_for(Session, "after_soft_rollback")
def _remove_files(session: Session, previous_transaction) -> None:
    for path in session.info.pop("new_files", []):
        path.unlink(missing_ok=True)
