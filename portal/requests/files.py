"""Attachment files: checked by :mod:`portal.security.uploads`, stored under random names
outside ``static/``, with tidy rollbacks.

Whether a file is accepted is decided in one place, ``portal.security.uploads.check_upload``
(types by content, size, zip bombs, macros, name against content); this module keeps the
requests area's names for it and its wording ("letter.txt is a PDF, so its name must end in
.pdf.").

A file is written to ``UPLOAD_DIR`` when its row is added; if the transaction then rolls
back, the file is removed again, so a failed or refused submission leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.security import uploads

MAX_FILE_BYTES = uploads.MAX_UPLOAD_BYTES
MAX_FILES = 5

#: What we accept, by what the content is (never by the name a browser sends).
TYPES = {
    kind: (mimetype, extensions[0], uploads.KIND_WORDS[kind])
    for kind, (mimetype, extensions) in uploads.KINDS.items()
}
ACCEPTED_WORDS = uploads.ACCEPTED_WORDS


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


def check_upload(name: str, data: bytes) -> Upload:
    """Check one uploaded file. Raises :class:`FileTooLarge` or :class:`FileRejected`."""
    try:
        checked = uploads.check_upload(name or "attachment", data, max_bytes=MAX_FILE_BYTES)
    except uploads.UploadRejected as exc:
        if exc.code == "too_large":
            raise FileTooLarge(str(exc)) from None
        raise FileRejected(str(exc)) from None
    return Upload(checked.name, checked.mimetype, data, hashlib.sha256(data).hexdigest())


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
