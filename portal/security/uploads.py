"""Checks every uploaded file must pass before it is stored (ASVS V5.2).

What is accepted (docs/SECURITY.md, V5.1.1): PDF, PNG, JPEG and Word (.docx) files of at most
``MAX_UPLOAD_BYTES`` (10 MB), whose name ends with the extension of the type their content
actually is. A .docx is a zip: before anything is unpacked, its directory is checked for at
most 1,000 entries, 50 MB unpacked in total, no entry compressed more than 100 to 1, no
paths that climb out or are absolute, no symbolic links, and no macros. Anything else (HTML,
SVG, scripts, executables whatever their name) is refused with a plain reason.

The caller stores the bytes under a name it makes up itself, never the uploaded name (V5.3.2),
and serves them back as an attachment with :func:`download_name` (V5.4.1, V5.4.2).
"""

from __future__ import annotations

import io
import re
import stat
import unicodedata
import zipfile
from dataclasses import dataclass

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
DOCX_MAX_ENTRIES = 1000
DOCX_MAX_UNPACKED = 50 * 1024 * 1024
DOCX_MAX_RATIO = 100

KINDS = {
    "pdf": ("application/pdf", (".pdf",)),
    "png": ("image/png", (".png",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
}
ALLOWED_DESCRIPTION = "a PDF, a Word document (.docx), or a PNG or JPEG picture"


class UploadRejected(ValueError):
    """The file cannot be accepted; the message says why, in plain words."""


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    mimetype: str
    extension: str
    size: int
    download_name: str
    data: bytes


def sniff(data: bytes) -> str | None:
    """The kind of file the content is, from its first bytes (and, for zips, its parts)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    return None


def _check_docx(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadRejected("This Word document is damaged, so we cannot accept it.") from None
    if len(entries) > DOCX_MAX_ENTRIES:
        raise UploadRejected("This Word document has too many parts to be a normal document.")
    total = 0
    names = set()
    for entry in entries:
        name = entry.filename
        if name.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", name) or ":" in name:
            raise UploadRejected("This Word document contains unsafe file paths.")
        if stat.S_ISLNK(entry.external_attr >> 16):
            raise UploadRejected("This Word document contains links to other files.")
        total += entry.file_size
        if total > DOCX_MAX_UNPACKED:
            raise UploadRejected("This Word document would be too large once opened.")
        if entry.compress_size and entry.file_size / entry.compress_size > DOCX_MAX_RATIO:
            raise UploadRejected("This Word document is compressed suspiciously tightly.")
        names.add(name.lower())
    if "[content_types].xml" not in names or "word/document.xml" not in names:
        raise UploadRejected(
            f"This is a zip file, not a Word document. Send {ALLOWED_DESCRIPTION}."
        )
    if any(n.endswith("vbaproject.bin") for n in names):
        raise UploadRejected("Word documents with macros cannot be accepted. Save it as .docx.")


def download_name(filename: str, extension: str) -> str:
    """A safe name to offer when the file is downloaded: letters, digits, spaces, dots,
    dashes and underscores only, at most 100 characters, ending in the real extension."""
    base = unicodedata.normalize("NFKD", filename or "").encode("ascii", "ignore").decode()
    base = base.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r"[^A-Za-z0-9 ._-]+", "_", stem).strip(" ._")[:90] or "file"
    return f"{stem}{extension}"


def check_upload(
    filename: str, data: bytes, max_bytes: int = MAX_UPLOAD_BYTES, allowed=tuple(KINDS)
) -> CheckedFile:
    """Accept ``data`` (uploaded as ``filename``) or raise :class:`UploadRejected`."""
    size = len(data)
    if size == 0:
        raise UploadRejected("The file is empty.")
    if size > max_bytes:
        raise UploadRejected(f"The file must be {max_bytes // (1024 * 1024)} MB or smaller.")
    kind = sniff(data)
    if kind == "zip":
        _check_docx(data)
        kind = "docx"
    if kind is None or kind not in allowed:
        raise UploadRejected(f"This type of file cannot be accepted. Send {ALLOWED_DESCRIPTION}.")
    mimetype, extensions = KINDS[kind]
    name = (filename or "").strip().lower()
    extension = next((e for e in extensions if name.endswith(e)), None)
    if extension is None:
        raise UploadRejected(
            f"The file's name does not match what it contains: it is a {kind.upper()} file, "
            f"so its name should end in {extensions[0]}."
        )
    return CheckedFile(kind, mimetype, extension, size, download_name(filename, extension), data)


def content_disposition(name: str) -> str:
    """The Content-Disposition header for serving a stored file as a download (RFC 6266)."""
    from urllib.parse import quote

    ascii_name = download_name(name, "." + name.rsplit(".", 1)[-1] if "." in name else "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
