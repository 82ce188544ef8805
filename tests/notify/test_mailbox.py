"""The admin mailbox: failed mail shown with its error, a Retry button, attachments."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.notify.services import attachment, queue_email


def _failed(**fields) -> OutboxMessage:
    message = queue_email(
        "failed:1",
        "gone@example.test",
        "Your reply",
        "status_update",
        first_name="G",
        headline="h",
        reference="Q-1",
        link="http://localhost/",
        **fields,
    )
    message.status = "failed"
    message.attempts = 8
    message.last_error = "Recipient refused: gone@example.test: 550 No such mailbox"
    db.session.commit()
    return message


def test_failed_mail_is_listed_with_its_error(signed_in_as):
    client, _admin = signed_in_as("admin")
    _failed()
    page = client.get("/admin/mail?status=failed").get_data(as_text=True)
    assert "could not be delivered" in page and "550 No such mailbox" in page
    assert client.get("/admin/mail?status=lost").status_code == 404
    assert "could not be delivered" in client.get("/admin/").get_data(as_text=True)


def test_retry_puts_a_failed_message_back_in_the_queue(signed_in_as):
    client, _admin = signed_in_as("admin")
    message = _failed()
    page = client.get(f"/admin/mail/{message.id}").get_data(as_text=True)
    assert "Retry sending this email" in page

    assert client.get(f"/admin/mail/{message.id}/retry").status_code == 405
    response = client.post(f"/admin/mail/{message.id}/retry", follow_redirects=True)
    assert "will be sent again shortly" in response.get_data(as_text=True)
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message.id)
    assert (message.status, message.attempts) == ("pending", 0)

    again = client.post(f"/admin/mail/{message.id}/retry", follow_redirects=True)
    assert "Only a failed email can be retried" in again.get_data(as_text=True)
    assert client.post("/admin/mail/999999/retry").status_code == 404


def test_retry_needs_the_csrf_token(app, signed_in_as):
    client, _admin = signed_in_as("admin")
    message = _failed()
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/admin/mail/{message.id}/retry").status_code == 400
    page = client.get(f"/admin/mail/{message.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(f"/admin/mail/{message.id}/retry", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(OutboxMessage.status)) == "pending"


def test_only_admins_can_retry(signed_in_as):
    message = _failed()
    client, _staff = signed_in_as("staff")
    assert client.post(f"/admin/mail/{message.id}/retry").status_code in (302, 403, 404)
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).status == "failed"


def test_attachments_can_be_opened_from_the_mailbox(signed_in_as):
    client, _admin = signed_in_as("admin")
    message = queue_email(
        "ics:1",
        "m@example.test",
        "Renewal",
        "status_update",
        attachments=[attachment("renewal.ics", "text/calendar", "BEGIN:VCALENDAR\r\n")],
        first_name="M",
        headline="h",
        reference="R",
        link="http://localhost/",
    )
    db.session.commit()
    page = client.get(f"/admin/mail/{message.id}").get_data(as_text=True)
    assert "renewal.ics" in page
    response = client.get(f"/admin/mail/{message.id}/attachments/0")
    assert response.data == b"BEGIN:VCALENDAR\r\n"
    assert response.mimetype == "text/calendar"
    assert client.get(f"/admin/mail/{message.id}/attachments/1").status_code == 404
