"""Two staff at once: a save against an out-of-date copy is refused, and nothing is lost.

Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL (the ``backend`` fixture).
"""

from __future__ import annotations

import threading

from sqlalchemy import select

from portal.extensions import db
from portal.requests import services
from portal.requests.models import EventKind, ServiceRequest
from tests.factories import make_user
from tests.staff.test_request_page import reload, versioned


def test_second_editor_is_refused_with_what_changed_and_keeps_their_text(
        app, signed_in_as, submit):
    first, alice = signed_in_as("staff", full_name="Alice Adams")
    second, _bob = signed_in_as("staff", full_name="Bob Brown")
    member = make_user("member")
    r = submit("query", requester=member).request
    db.session.commit()

    # Both open the page: each form carries the same version.
    alice_form = versioned(first, r, "note")
    bob_form = versioned(second, r, "reply")
    assert alice_form["note-version"] == bob_form["reply-version"]

    saved = first.post(f"/staff/requests/{r.reference}/note",
                       data={**alice_form, "note-body": "I am phoning them now."})
    assert saved.status_code == 302

    refused = second.post(f"/staff/requests/{r.reference}/reply",
                          data={**bob_form, "reply-body": "Here is your answer, Bob's words."})
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Someone else changed this request" in page
    assert "I am phoning them now." in page and "Alice Adams" in page  # what changed
    assert "Here is your answer, Bob&#39;s words." in page  # nothing lost
    events = [e.kind for e in reload(r).events]
    assert EventKind.STAFF_REPLY not in events

    # The refused form now carries the current version: sending it again is deliberate.
    import re
    version = re.search(r'name="reply-version" type="hidden" value="(\d+)"', page).group(1)
    seen = re.search(r'name="reply-seen_event" type="hidden" value="(\d+)"', page).group(1)
    assert int(version) == reload(r).version
    again = second.post(f"/staff/requests/{r.reference}/reply",
                        data={"reply-version": version, "reply-seen_event": seen,
                              "reply-body": "Here is your answer, Bob's words."})
    assert again.status_code == 302
    assert EventKind.STAFF_REPLY in [e.kind for e in reload(r).events]
    assert alice  # both editors were real staff accounts


def test_a_customer_reply_in_between_also_refuses_the_stale_save(signed_in_as, submit):
    client, _staff = signed_in_as("staff")
    member = make_user("member")
    r = submit("query", requester=member).request
    db.session.commit()
    form = versioned(client, r, "resolve")
    services.customer_reply(reload(r), "Actually, one more thing.", member)
    db.session.commit()
    refused = client.post(f"/staff/requests/{r.reference}/resolve",
                          data={**form, "resolve-body": "All done."})
    assert refused.status_code == 409
    assert "Actually, one more thing." in refused.get_data(as_text=True)
    assert reload(r).resolved_at is None


def test_a_form_without_its_version_is_refused(signed_in_as, submit):
    client, _ = signed_in_as("staff")
    r = submit("query").request
    db.session.commit()
    response = client.post(f"/staff/requests/{r.reference}/note",
                           data={"note-body": "No version", "note-version": "abc"})
    assert response.status_code == 409
    assert "No version" in response.get_data(as_text=True)


def test_two_saves_at_the_same_moment_one_wins(app, submit):
    """Two transactions claim the same version concurrently: exactly one succeeds.

    Each thread has its own session and connection; a barrier lines up the two claims. The
    loser waits on the winner's lock (row lock on PostgreSQL, write lock on SQLite) and then
    matches no row.
    """
    staff = make_user("staff")
    r = submit("query").request
    db.session.commit()
    seen = r.version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(note: str) -> None:
        with app.app_context():
            request = db.session.scalar(select(ServiceRequest).where(ServiceRequest.id == r.id))
            me = db.session.get(type(staff), staff.id)
            barrier.wait()
            try:
                services.claim_version(request, seen)
                services.add_internal_note(request, me, note)
                db.session.commit()
                outcomes.append("saved")
            except services.StaleRequest:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=save, args=(f"note {n}",)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert sorted(outcomes) == ["refused", "saved"]
    notes = [e for e in reload(r).events if e.kind == EventKind.INTERNAL_NOTE]
    assert len(notes) == 1
