"""The outbox itself: one row per key, bulk inserts that skip keys already queued."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.notify.services import (
    attachment,
    insert_outbox_rows,
    message_id_for,
    outbox_row,
    queue_email,
    reply_address,
)


def _row(key: str, **fields) -> dict:
    return outbox_row(
        key=key, to="x@example.test", subject="S", body_text="T", body_html="<p>H</p>", **fields
    )


def test_queue_email_is_once_per_key(app, request_id):
    first = queue_email(
        "k:1",
        "a@example.test",
        "One",
        "status_update",
        first_name="A",
        headline="h",
        reference="R",
        link="http://localhost/",
        request_id=request_id,
    )
    second = queue_email(
        "k:1",
        "b@example.test",
        "Two",
        "status_update",
        first_name="B",
        headline="h",
        reference="R",
        link="http://localhost/",
    )
    assert second.id == first.id and second.to_address == "a@example.test"
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1
    assert first.request_id == request_id and first.attachments == []
    assert first.headers == {
        "Auto-Submitted": "auto-generated",
        "Reply-To": reply_address(request_id),  # replies find the request by its token
    }


def test_bulk_insert_skips_keys_already_queued(app):
    ics = attachment("a.ics", "text/calendar", "BEGIN:VCALENDAR\r\n")
    assert insert_outbox_rows([_row("b:1", attachments=[ics]), _row("b:2")]) == 2
    assert insert_outbox_rows([_row("b:2"), _row("b:3", headers={"X-Test": "yes"})]) == 1
    assert insert_outbox_rows([]) == 0
    db.session.commit()
    db.session.expire_all()
    rows = {m.key: m for m in db.session.scalars(select(OutboxMessage))}
    assert set(rows) == {"b:1", "b:2", "b:3"}
    assert rows["b:1"].attachments == [ics]
    assert rows["b:3"].headers == {"X-Test": "yes", "Auto-Submitted": "auto-generated"}
    assert rows["b:2"].request_id is None and rows["b:2"].status == "pending"
    assert rows["b:2"].created_at.tzinfo is not None


def test_message_ids_depend_only_on_the_key(app):
    assert message_id_for("renewal:1:2027-01-01") == message_id_for("renewal:1:2027-01-01")
    assert message_id_for("renewal:1:2027-01-01") != message_id_for("renewal:1:2028-01-01")
    assert message_id_for("x").endswith("@portal.example>")
