"""A centre's supporting documents: kept with its application, checked by content, stored
under names the uploader never chose (CHARTER.md section 4, ``centre-approval``;
docs/SECURITY.md V5).

Whether a file is accepted is decided by :mod:`portal.security.uploads`, the one check every
upload goes through; this module words its refusals for a centre and stores what passed.
A document's file follows its row: removed only after the removal has committed, and
removed again if the upload is rolled back (:mod:`portal.stored_files`).
"""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app

from portal import stored_files
from portal.accounts.models import User
from portal.approvals.models import CentreApplication, CentreDocument
from portal.approvals.services import CentreError, require_editable
from portal.database import utcnow
from portal.extensions import db
from portal.security import uploads

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def upload_dir() -> Path:
    """Where documents are kept: a folder of their own under the upload directory."""
    path = Path(current_app.config["UPLOAD_DIR"]) / "centres"
    path.mkdir(parents=True, exist_ok=True)
    return path


def document_path(document: CentreDocument) -> Path:
    """The file of a stored document (its name is ours, never the uploader's)."""
    return upload_dir() / document.stored_name


def _checked(filename: str, content: bytes) -> uploads.CheckedFile:
    """The upload check, its refusals in the words the centre's page uses."""
    try:
        return uploads.check_upload(filename, content, max_bytes=MAX_DOCUMENT_BYTES)
    except uploads.UploadRejected as exc:
        if exc.code == "too_large":
            raise CentreError("The file must be 10 MB or smaller.") from None
        if exc.code == "empty":
            raise CentreError("The file you chose is empty.") from None
        raise CentreError(str(exc)) from None


def add_document(
    application: CentreApplication, user: User, title: str, filename: str, stream
) -> CentreDocument:
    """Keep a supporting document: PDF, Word (.docx), PNG or JPEG, up to 10 MB, checked by
    content. Stored under a random name so nothing the uploader chose reaches the disk."""
    require_editable(application)
    checked = _checked(filename, stream.read(MAX_DOCUMENT_BYTES + 1))
    stored_name = secrets.token_hex(16) + checked.extension
    path = upload_dir() / stored_name
    path.write_bytes(checked.data)
    stored_files.remove_if_rolled_back(db.session(), path)
    document = CentreDocument(
        organisation_id=application.organisation_id,
        application=application,
        title=title.strip(),
        original_name=checked.name[:255],
        stored_name=stored_name,
        content_type=checked.mimetype,
        size_bytes=checked.size,
        uploaded_by_id=user.id,
    )
    db.session.add(document)
    application.updated_at = utcnow()
    db.session.flush()
    return document


def remove_document(document: CentreDocument) -> None:
    """Delete a document of an application still being written; its file goes once the
    deletion has committed, so a rolled-back request never leaves a row without its file."""
    require_editable(document.application)
    stored_files.remove_after_commit(db.session(), document_path(document))
    db.session.delete(document)
    db.session.flush()
