"""A centre's amendments, corrections and appeals are requests of their own, each on its
promise (CHARTER.md section 9, issue 20)."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from sqlalchemy import select

from portal.extensions import db
from portal.requests.models import ServiceRequest
from tests.factories import make_user

RECEIVED = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # Monday 30 November 2026, 10am


def test_amendment_and_appeal_carry_their_promises(app, sign_in):
    user = make_user("centre")
    db.session.commit()
    client = app.test_client()
    with time_machine.travel(RECEIVED, tick=False):
        sign_in(client, user)
        assert client.get("/centre/requests/new/amendment").status_code == 200
        amendment = client.post("/centre/requests/new/amendment", data={
            "what": "name", "learner": "Ann One, CERT-0000012",
            "body": "Her name is Anne, with an e."})
        appeal = client.post("/centre/requests/new/appeal", data={
            "what": "claim", "subject": "Claim for PN-2026-02",
            "body": "The evidence was in the portfolio."})
        found = db.session.scalar(select(ServiceRequest).where(
            ServiceRequest.kind == "centre-appeal"))
        page = client.get(f"/centre/requests/{found.reference}")
        listing = client.get("/centre/requests").get_data(as_text=True)
    assert amendment.status_code == appeal.status_code == 302
    made = {r.kind: r for r in db.session.scalars(select(ServiceRequest))}
    fix, appealed = made["certificate-amendment"], made["centre-appeal"]
    assert fix.reference.startswith("M-2026-") and fix.promise_code == "amendment"
    # 10 working days: Monday 14 December, 5pm (London is on GMT, so 17:00 UTC).
    assert fix.response_due_at == datetime(2026, 12, 14, 17, tzinfo=UTC)
    assert fix.resolution_due_at is None
    # Acknowledged within 3 working days, decided within 20.
    assert appealed.response_due_at == datetime(2026, 12, 3, 17, tzinfo=UTC)
    # (25 and 28 December are bank holidays.)
    assert appealed.resolution_due_at == datetime(2026, 12, 30, 17, tzinfo=UTC)
    assert "We will decide by" in page.get_data(as_text=True)
    assert "Make an appeal" in listing and fix.reference in listing


def test_the_forms_say_what_is_missing(app, sign_in):
    user = make_user("centre")
    db.session.commit()
    client = app.test_client()
    sign_in(client, user)
    page = client.post("/centre/requests/new/appeal", data={"subject": "x"})
    assert page.status_code == 200
    assert "Choose what you are appealing against." in page.get_data(as_text=True)
