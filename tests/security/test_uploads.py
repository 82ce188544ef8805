"""ASVS 5.0 V5.2 (file upload) and V5.4 (file download): portal.security.uploads."""

import io
import zipfile

import pytest

from portal.security.uploads import (
    UploadRejected,
    check_upload,
    content_disposition,
    download_name,
)

pytestmark = pytest.mark.asvs(chapter="V5")

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
NOT_ACCEPTED = "is not a PDF, PNG, JPEG or Word"


def _docx(extra: dict[str, bytes] | None = None, **zip_args) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, **zip_args) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
        for name, content in (extra or {}).items():
            z.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("letter.pdf", PDF, "pdf"),
        ("Photo.PNG", PNG, "png"),
        ("scan.jpeg", JPEG, "jpeg"),
        ("scan.jpg", JPEG, "jpeg"),
        ("cv.docx", _docx(), "docx"),
    ],
)
def test_v5_2_2_allowed_types_pass_when_name_and_content_agree(name, data, kind):
    checked = check_upload(name, data)
    assert checked.kind == kind and checked.size == len(data)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("page.html", b"<!doctype html><script>alert(1)</script>", NOT_ACCEPTED),
        ("page.pdf", b"<html><body onload=alert(1)>", NOT_ACCEPTED),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            NOT_ACCEPTED,
        ),
        ("invoice.pdf", b"MZ\x90\x00\x03" + b"\x00" * 64, NOT_ACCEPTED),  # an .exe
        ("run.sh", b"#!/bin/sh\nrm -rf /\n", NOT_ACCEPTED),
        ("letter.png", PDF, "is a PDF, so its name must end in .pdf"),
        ("cv.pdf", _docx(), "must end in .docx"),
        ("archive.docx", b"PK\x03\x04garbage", "damaged"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_v5_2_2_hostile_and_mislabelled_files_are_refused(name, data, reason):
    with pytest.raises(UploadRejected, match=reason) as refused:
        check_upload(name, data)
    assert str(refused.value).startswith(name)  # the message names the file


def test_v5_2_2_a_renamed_file_is_refused_but_a_name_without_extension_gets_one():
    expected = "renamed.txt is a PDF, so its name must end in .pdf"
    with pytest.raises(UploadRejected, match=expected) as e:
        check_upload("renamed.txt", PDF)
    assert e.value.code == "mismatch"
    checked = check_upload("C:\\scans\\scan", PDF)
    assert (checked.name, checked.extension) == ("scan.pdf", ".pdf")
    assert checked.mimetype == "application/pdf"
    assert check_upload("photo.JPEG", JPEG).name == "photo.JPEG"


def test_v5_2_1_oversize_files_are_refused():
    expected = "big.pdf is larger than 10 MB: each file must be 10 MB or smaller"
    with pytest.raises(UploadRejected, match=expected):
        check_upload("big.pdf", PDF + b"0" * (10 * 1024 * 1024))


def test_v5_2_3_zip_bombs_are_refused_before_unpacking():
    bomb = _docx({"word/media/bomb.bin": b"\x00" * (60 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024  # small on the wire
    with pytest.raises(UploadRejected, match="too large once opened|compressed suspiciously"):
        check_upload("bomb.docx", bomb)
    many = _docx({f"word/p{n}.xml": b"x" for n in range(1001)})
    with pytest.raises(UploadRejected, match="too many parts"):
        check_upload("many.docx", many)


def test_docx_with_unsafe_paths_or_macros_are_refused():
    with pytest.raises(UploadRejected, match="unsafe file paths"):
        check_upload("slip.docx", _docx({"../../evil.sh": b"x"}))
    with pytest.raises(UploadRejected, match="macros"):
        check_upload("macro.docx", _docx({"word/vbaProject.bin": b"x"}))
    with pytest.raises(UploadRejected, match="not a Word document"):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr("readme.txt", "hello")
        check_upload("notes.docx", buffer.getvalue())


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ('evil"; filename=x.html.pdf', "evil_ filename_x.html.pdf"),
        ("Zoë's CV.pdf", "Zoe_s CV.pdf"),
        ("C:\\Users\\me\\scan.pdf", "scan.pdf"),
        ("\r\nSet-Cookie: x.pdf", "Set-Cookie_ x.pdf"),
        ("", "file.pdf"),
    ],
)
def test_v5_4_2_names_offered_for_download_are_sanitised(given, expected):
    assert download_name(given, ".pdf") == expected


def test_v5_4_1_downloads_are_attachments_with_an_encoded_name():
    header = content_disposition('Zoë "quote".pdf')
    assert header.startswith('attachment; filename="')
    assert "\r" not in header and "\n" not in header
    assert "filename*=UTF-8''Zo%C3%AB%20%22quote%22.pdf" in header
