"""Files on disk that follow the database transaction they belong to.

A row and its file must come and go together, but the disk is not part of the transaction:
a file is written before the row is committed and removed only after its row is gone for
good. Services say which, and these listeners act once the request (or job) has committed or
rolled back, so a failed request leaves no orphan file and a rolled-back removal loses none.
"""

from __future__ import annotations

from pathlib import Path

from flask import Response, abort, send_file
from sqlalchemy import event
from sqlalchemy.orm import Session

_NEW = "stored_files_written"
_DOOMED = "stored_files_to_remove"


def remove_if_rolled_back(session: Session, path: Path) -> None:
    """``path`` was just written for a row of ``session``; a rollback deletes it again."""
    session.info.setdefault(_NEW, []).append(Path(path))


def remove_after_commit(session: Session, path: Path) -> None:
    """``path`` belongs to a row deleted in ``session``; it goes once that commits."""
    session.info.setdefault(_DOOMED, []).append(Path(path))


@event.listens_for(Session, "after_commit")
def _settle_after_commit(session: Session) -> None:
    session.info.pop(_NEW, None)
    for path in session.info.pop(_DOOMED, []):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_soft_rollback")
def _settle_after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.nested:
        return  # a savepoint: the outer transaction decides
    session.info.pop(_DOOMED, None)
    for path in session.info.pop(_NEW, []):
        path.unlink(missing_ok=True)


def download(path: Path, content_type: str, name: str) -> Response:
    """A stored file as a download, never shown inline or sniffed as a page: the browser gets
    the type the upload check found in its bytes and is told not to guess another. 404 when
    the file is gone."""
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=content_type, as_attachment=True,
                         download_name=name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
