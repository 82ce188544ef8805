"""Supporting documents: checked by content, stored under random names, private downloads."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.approvals import documents, services
from portal.approvals.models import CentreDocument
from portal.extensions import db
from portal.security import uploads
from tests.approvals.helpers import PDF, complete_application, make_centre_user


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _zip_without_word() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PDF, "pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "png"),
        (b"\xff\xd8\xff\xe0" + b"\0" * 20, "jpeg"),
        (_docx(), "docx"),
        (_zip_without_word(), None),  # a spreadsheet is not a Word document
        (b"PK\x03\x04 but not really a zip", None),
        (b"<html><script>alert(1)</script>", None),
        (b"MZ\x90\x00 an executable", None),
    ],
)
def test_documents_are_recognised_by_their_bytes(content, kind):
    # Documents are checked by the one upload check every area uses.
    assert uploads.content_kind(content) == kind


@pytest.fixture
def applicant(app, sign_in):
    user = make_centre_user(approved=False)
    application = services.start_application(user.organisation, user)
    db.session.commit()
    client = app.test_client()
    sign_in(client, user)
    return client, user, application


def _upload(client, content: bytes, name: str, title: str = "Policy"):
    return client.post(
        "/centre/application/documents",
        data={"title": title, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_a_pdf_is_stored_under_a_random_name_and_downloads_as_an_attachment(app, applicant):
    client, user, _application = applicant
    response = _upload(client, PDF, "../../etc/Our policy.pdf")
    assert response.status_code == 302
    document = db.session.scalar(select(CentreDocument))
    assert document.original_name == "Our policy.pdf"
    assert document.stored_name.endswith(".pdf") and "policy" not in document.stored_name
    stored = Path(app.config["UPLOAD_DIR"]) / "centres" / document.stored_name
    assert stored.read_bytes() == PDF
    download = client.get(f"/centre/application/documents/{document.id}")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    download.close()


def test_a_file_that_only_claims_to_be_a_pdf_is_refused(applicant):
    client, _user, _application = applicant
    response = _upload(client, b"<html>not a pdf</html>", "fake.pdf")
    page = response.get_data(as_text=True)
    assert "fake.pdf is not a PDF, PNG, JPEG or Word (.docx) file." in page
    assert 'value="Policy"' in page  # what was typed is kept
    assert db.session.scalar(select(CentreDocument)) is None


def test_missing_file_and_title_are_reported(applicant):
    client, _user, _application = applicant
    response = client.post(
        "/centre/application/documents", data={}, content_type="multipart/form-data"
    )
    page = response.get_data(as_text=True)
    assert "Choose a file to upload." in page
    assert "Say what the document is." in page


def test_files_over_the_limit_are_refused(app, applicant, monkeypatch):
    client, _user, _application = applicant
    # The 10 MB limit, scaled down so the test does not push 10 MB through the client.
    monkeypatch.setattr(documents, "MAX_DOCUMENT_BYTES", 1000)
    response = _upload(client, PDF + b"\0" * 1000, "big.pdf")
    assert "10 MB or smaller" in response.get_data(as_text=True)
    assert _upload(client, PDF + b"\0" * 900, "fits.pdf").status_code == 302
    # Far larger bodies are stopped before they are read.
    app.config["MAX_CONTENT_LENGTH"] = 1024
    assert _upload(client, PDF + b"\0" * 4096, "huge.pdf").status_code == 413


def test_a_removed_document_loses_its_file(app, applicant):
    client, user, application = applicant
    document = documents.add_document(application, user, "Old", "old.docx", io.BytesIO(_docx()))
    db.session.commit()
    path = documents.document_path(document)
    assert path.exists()
    response = client.post(f"/centre/application/documents/{document.id}/remove")
    assert response.status_code == 302
    assert not path.exists()
    assert db.session.scalar(select(CentreDocument)) is None


def test_documents_of_a_sent_application_cannot_be_changed(app, applicant):
    client, user, _application = applicant
    application = complete_application(user)
    services.submit_application(application, user)
    db.session.commit()
    [document] = application.documents
    client.post(f"/centre/application/documents/{document.id}/remove")
    assert db.session.get(CentreDocument, document.id) is not None
    response = _upload(client, PDF, "late.pdf")
    assert response.status_code == 302
    assert len(db.session.scalars(select(CentreDocument)).all()) == 1


def test_staff_download_documents_of_sent_applications_only(app, staff_client):
    user = make_centre_user(approved=False)
    application = complete_application(user)
    db.session.commit()
    [document] = application.documents
    assert staff_client.get(f"/staff/centres/documents/{document.id}").status_code == 404
    services.submit_application(application, user)
    db.session.commit()
    response = staff_client.get(f"/staff/centres/documents/{document.id}")
    assert response.status_code == 200
    assert response.data == PDF
    response.close()


def test_a_document_and_its_file_come_and_go_with_the_transaction(app, applicant):
    _client, user, application = applicant
    document = documents.add_document(application, user, "Draft", "d.pdf", io.BytesIO(PDF))
    path = documents.document_path(document)
    assert path.exists()
    db.session.rollback()  # the upload's request failed: no row, so no file
    assert not path.exists()

    document = documents.add_document(application, user, "Kept", "k.pdf", io.BytesIO(PDF))
    db.session.commit()
    path = documents.document_path(document)
    documents.remove_document(document)
    assert path.exists()  # not before the removal commits
    db.session.rollback()  # ...and a rolled-back removal keeps the file
    assert path.exists()
    documents.remove_document(db.session.get(CentreDocument, document.id))
    db.session.commit()
    assert not path.exists()
