"""ASVS V5.2.1 to V5.2.3 through the real upload paths: the member's request form, a learning
centre's supporting documents, and attachments of inbound email all refuse HTML, SVG with
script, a renamed executable, a zip bomb and an oversize file (issue #8), because all three
call ``portal.security.uploads.check_upload``."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select

from portal.approvals.models import CentreDocument
from portal.extensions import db
from portal.inbound.attachments import Attachment as MailAttachment
from portal.inbound.attachments import Refusal, check_attachment
from portal.requests.models import Attachment, ServiceRequest
from portal.security import uploads
from tests.approvals.helpers import make_centre_user
from tests.requests.conftest import post_multipart

pytestmark = pytest.mark.asvs(chapter="V5")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/bomb.bin", b"\0" * (60 * 1024 * 1024))
    return buffer.getvalue()


HOSTILE = {
    "html": ("page.html", b"<!doctype html><script>alert(document.cookie)</script>"),
    "svg with script": (
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    ),
    "renamed executable": ("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 120),
    "zip bomb": ("report.docx", _zip_bomb()),
    "renamed pdf": ("notes.txt", PDF),
}
OVERSIZE = ("big.pdf", PDF + b"0" * uploads.MAX_UPLOAD_BYTES)

FORM = {
    "subject": "Wrong grade on my certificate",
    "body": "My certificate says Associate but I am a Member.",
    "outcome": "Send a corrected certificate.",
}


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("case", list(HOSTILE))
def test_v5_2_2_member_request_form_refuses_hostile_files(signed_in_as, case):
    client, _member = signed_in_as("member")
    name, data = HOSTILE[case]
    response = post_multipart(client, "/member/requests/new/complaint", FORM, [(name, data)])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and f"{name} " in page
    assert FORM["body"] in page  # what was typed is kept
    assert _count(ServiceRequest) == 0 and _count(Attachment) == 0


@pytest.mark.parametrize("case", list(HOSTILE))
def test_v5_2_2_centre_documents_refuse_hostile_files(app, sign_in, case):
    from portal.approvals import services

    user = make_centre_user(approved=False)
    services.start_application(user.organisation, user)
    db.session.commit()
    client = app.test_client()
    sign_in(client, user)
    name, data = HOSTILE[case]
    response = post_multipart(client, "/centre/application/documents", {"title": "Policy"},
                              [(name, data)], field="file")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"{name} " in page and 'value="Policy"' in page
    assert _count(CentreDocument) == 0


@pytest.mark.parametrize("case", list(HOSTILE))
def test_v5_2_2_inbound_email_attachments_refuse_hostile_files(app, case):
    name, data = HOSTILE[case]
    result = check_attachment(name, "application/octet-stream", data)
    assert isinstance(result, Refusal)
    assert result.note.startswith(f"{name} (") and "was not kept" in result.note


def test_v5_2_1_oversize_files_are_refused_on_every_path(app, signed_in_as, sign_in):
    name, data = OVERSIZE
    client, _member = signed_in_as("member")
    response = post_multipart(client, "/member/requests/new/complaint", FORM, [(name, data)])
    # Refused on the form, which comes back with what was typed (issue 15).
    assert response.status_code == 200
    assert "10 MB or smaller" in response.get_data(as_text=True)
    assert _count(ServiceRequest) == 0

    from portal.approvals import services

    user = make_centre_user(approved=False)
    services.start_application(user.organisation, user)
    db.session.commit()
    centre = app.test_client()
    sign_in(centre, user)
    response = post_multipart(centre, "/centre/application/documents", {"title": "Policy"},
                              [(name, data)], field="file")
    assert "10 MB or smaller" in response.get_data(as_text=True)
    assert _count(CentreDocument) == 0

    refused = check_attachment(name, "application/pdf", data)
    assert isinstance(refused, Refusal) and "at most 10.0 MB" in refused.note


def test_v5_2_2_the_same_good_file_is_accepted_on_every_path(app, signed_in_as, sign_in):
    client, _member = signed_in_as("member")
    response = post_multipart(client, "/member/requests/new/complaint",
                              dict(FORM, submission_key="k" * 22), [("scan", PDF)])
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.scalar(select(Attachment))
    # A name without an extension claims nothing, so it gets the content's own.
    assert (stored.original_name, stored.content_type) == ("scan.pdf", "application/pdf")

    kept = check_attachment("scan", "application/octet-stream", PDF)
    assert isinstance(kept, MailAttachment)
    assert (kept.filename, kept.content_type) == ("scan.pdf", "application/pdf")


def test_upload_file_names_are_capped_on_every_path(app, signed_in_as, sign_in):
    """Issue #14, finding 10: a 5,000-character name is kept to 120 characters, its start
    and its extension, on the member's form, centre documents and inbound email."""
    long_name = "Bank statement for March " + "é" * 5000 + ".pdf"
    client, _member = signed_in_as("member")
    response = post_multipart(client, "/member/requests/new/complaint", FORM, [(long_name, PDF)])
    assert response.status_code == 302
    [stored] = db.session.scalars(select(Attachment.original_name)).all()
    assert len(stored) <= uploads.MAX_NAME_CHARS == 120
    assert stored.startswith("Bank statement for March ") and stored.endswith(".pdf")

    from portal.approvals import services

    user = make_centre_user(approved=False)
    services.start_application(user.organisation, user)
    db.session.commit()
    centre = app.test_client()
    sign_in(centre, user)
    post_multipart(centre, "/centre/application/documents", {"title": "Policy"},
                   [(long_name, PDF)], field="file")
    [document] = db.session.scalars(select(CentreDocument.original_name)).all()
    assert len(document) <= 120 and document.endswith(".pdf")

    mailed = check_attachment(long_name, "application/pdf", PDF)
    assert isinstance(mailed, MailAttachment)
    assert len(mailed.filename) <= 120 and mailed.filename.endswith(".pdf")
