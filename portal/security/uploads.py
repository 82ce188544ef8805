"""The one place that decides whether an uploaded file is accepted (ASVS V5.2).

Every way a file reaches the portal goes through :func:`check_upload`: the request forms of
members, visitors, organisations and staff (``portal.requests.files``), attachments of inbound
email (``portal.inbound.attachments``) and learning centres' supporting documents
(``portal.approvals.documents.add_document``). Those modules keep their own names and wording,
but the decision is made here, so a rule changed here changes everywhere.

What is accepted (docs/SECURITY.md, V5.1.1): PDF, PNG, JPEG and Word (.docx) files of at most
``MAX_UPLOAD_BYTES`` (10 MB). The type is read from the content, never from the name or the
type a browser or mail program claims. A .docx is a zip: before anything is unpacked, its
directory is checked for at most 1,000 entries, 50 MB unpacked in total, no entry compressed
more than 100 to 1, no paths that climb out or are absolute, no symbolic links, and no
macros. Anything else (HTML, SVG, scripts, executables whatever their name) is refused.

**Name and content.** A name that ends in an extension must end in one of the content's
own (``letter.pdf`` for a PDF); ``letter.txt`` or ``letter.png`` holding a PDF is refused
with words saying what the name should be, so a file never reaches a member or staff under
a name that would open it with the wrong program. A name with no extension at all claims
nothing, so the content's extension is added (mail programs send such names).

The caller stores the bytes under a name it makes up itself, never the uploaded name (V5.3.2),
and serves them back as an attachment with :func:`content_disposition` (V5.4.1, V5.4.2).
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
#: What each kind is called in messages.
KIND_WORDS = {"pdf": "PDF", "png": "PNG picture", "jpeg": "JPEG picture", "docx": "Word document"}
ALLOWED_DESCRIPTION = "a PDF, a Word document (.docx), or a PNG or JPEG picture"
ACCEPTED_WORDS = "PDF, PNG, JPEG or Word (.docx)"


class UploadRejected(ValueError):
    """The file cannot be accepted.

    ``code`` says which rule refused it (``empty``, ``too_large``, ``type``, ``mismatch``,
    ``damaged``, ``bomb``, ``unsafe``, ``macros``, ``not_word``); ``clause`` is the reason
    without the file's name ("is not a PDF, PNG, JPEG or Word (.docx) file."), so callers can
    word it their own way; ``str()`` is a whole sentence naming the file.
    """

    def __init__(self, code: str, clause: str, name: str = ""):
        self.code = code
        self.clause = clause
        self.name = name
        super().__init__(f"{name or 'The file'} {clause}")


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    mimetype: str
    extension: str
    size: int
    download_name: str
    data: bytes
    #: The uploaded name without folders or control characters, ending in ``extension``.
    name: str = ""


def sniff(data: bytes) -> str | None:
    """The kind of file the content is, from its first bytes ("zip" for any zip)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    return None


def content_kind(data: bytes) -> str | None:
    """Which accepted kind (a key of :data:`KINDS`) the content is, or None.

    Only recognises; :func:`check_upload` decides. A zip counts as "docx" when its directory
    names a Word document's parts (it is not unpacked).
    """
    kind = sniff(data)
    if kind != "zip":
        return kind
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = {n.lower() for n in archive.namelist()}
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return "docx" if {"[content_types].xml", "word/document.xml"} <= names else None


def _check_docx(data: bytes, name: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadRejected("damaged", "is a damaged Word document.", name) from None
    if len(entries) > DOCX_MAX_ENTRIES:
        raise UploadRejected("bomb", "has too many parts to be a normal Word document.", name)
    total = 0
    names = set()
    for entry in entries:
        part = entry.filename
        if part.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", part) or ":" in part:
            raise UploadRejected("unsafe", "contains unsafe file paths.", name)
        if stat.S_ISLNK(entry.external_attr >> 16):
            raise UploadRejected("unsafe", "contains links to other files.", name)
        total += entry.file_size
        if total > DOCX_MAX_UNPACKED:
            raise UploadRejected("bomb", "would be too large once opened.", name)
        if entry.compress_size and entry.file_size / entry.compress_size > DOCX_MAX_RATIO:
            raise UploadRejected("bomb", "is compressed suspiciously tightly.", name)
        names.add(part.lower())
    if "[content_types].xml" not in names or "word/document.xml" not in names:
        raise UploadRejected(
            "not_word", f"is a zip file, not a Word document. Send {ALLOWED_DESCRIPTION}.", name
        )
    if any(n.endswith("vbaproject.bin") for n in names):
        raise UploadRejected(
            "macros",
            "is a Word document with macros, which we cannot accept. Save it as a plain .docx.",
            name,
        )


#: The longest file name kept (issue #14): long enough for any name a person gives a file,
#: short enough to show in a list and to fit every column and header it goes into.
MAX_NAME_CHARS = 120


def clean_name(filename: str | None) -> str:
    """The uploaded name to show people: no folders, no control characters, at most
    :data:`MAX_NAME_CHARS` characters, keeping its beginning (what a person recognises) and
    its extension (what the content is checked against). Empty if nothing is left."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip()
    if len(name) <= MAX_NAME_CHARS:
        return name
    stem, dot, ext = name.rpartition(".")
    if dot and stem and 0 < len(ext) <= 10:
        return stem[: MAX_NAME_CHARS - len(ext) - 1].rstrip() + "." + ext
    return name[:MAX_NAME_CHARS]


def _extension_of(name: str) -> str | None:
    stem, dot, ext = name.lstrip(".").rpartition(".")
    return "." + ext.lower() if dot and stem and ext else None


def download_name(filename: str, extension: str) -> str:
    """A safe name to offer when the file is downloaded: letters, digits, spaces, dots,
    dashes and underscores only, at most 100 characters, ending in the real extension."""
    base = unicodedata.normalize("NFKD", filename or "").encode("ascii", "ignore").decode()
    base = base.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r"[^A-Za-z0-9 ._-]+", "_", stem).strip(" ._")[:90] or "file"
    return f"{stem}{extension}"


def extension_for(mimetype: str, filename: str = "") -> str:
    """The extension a stored file should carry, from the type its content was checked to
    be: the name's own when it is one of that type's (".jpeg" stays ".jpeg"), else the
    type's usual one; "" for a type we do not know."""
    for known, extensions in KINDS.values():
        if known == mimetype:
            own = _extension_of(clean_name(filename)) if filename else None
            return own if own in extensions else extensions[0]
    return ""


def _size_words(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):g} MB"
    return f"{max(1, count // 1024)} KB"


def check_upload(
    filename: str | None, data: bytes, max_bytes: int = MAX_UPLOAD_BYTES, allowed=tuple(KINDS)
) -> CheckedFile:
    """Accept ``data`` (uploaded as ``filename``) or raise :class:`UploadRejected`.

    The order matters: size first (nothing else is read from an oversize file), then the
    content's kind, the zip directory for a .docx (before anything is unpacked), and last
    the name against the content.
    """
    name = clean_name(filename)
    size = len(data)
    if size == 0:
        raise UploadRejected("empty", "is empty.", name)
    if size > max_bytes:
        limit = _size_words(max_bytes)
        raise UploadRejected(
            "too_large", f"is larger than {limit}: each file must be {limit} or smaller.", name
        )
    kind = sniff(data)
    if kind == "zip":
        _check_docx(data, name)
        kind = "docx"
    if kind is None or kind not in allowed:
        raise UploadRejected("type", f"is not a {ACCEPTED_WORDS} file.", name)
    mimetype, extensions = KINDS[kind]
    claimed = _extension_of(name)
    if claimed is None:
        # Nothing claimed, nothing contradicted: give it the content's own extension.
        extension = extensions[0]
        name = (name.rstrip(".") or "file")[: MAX_NAME_CHARS - len(extension)] + extension
    elif claimed in extensions:
        extension = claimed
    else:
        raise UploadRejected(
            "mismatch",
            f"is a {KIND_WORDS[kind]}, so its name must end in {extensions[0]}. "
            "Rename it and choose it again.",
            name,
        )
    return CheckedFile(
        kind, mimetype, extension, size, download_name(name, extension), data, name
    )


def content_disposition(name: str) -> str:
    """The Content-Disposition header for serving a stored file as a download (RFC 6266)."""
    from urllib.parse import quote

    ascii_name = download_name(name, "." + name.rsplit(".", 1)[-1] if "." in name else "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
