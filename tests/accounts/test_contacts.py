"""An organisation's administrators manage their colleagues' accounts (issue 20): invite by
email, role, remove leavers; every change audited; view-only contacts change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.accounts import contacts
from portal.accounts.services import AccountError
from portal.audit.models import AuditEntry
from portal.extensions import db
from tests.conftest import outbox_links
from tests.factories import make_user


@pytest.mark.parametrize("kind", ["centre", "employer"])
def test_invite_role_and_remove_are_audited(app, kind, sign_in):
    admin = make_user(kind)
    organisation = admin.organisation
    db.session.commit()
    client = app.test_client()
    sign_in(client, admin)
    page = client.post(f"/{kind}/colleagues/invite", data={
        "full_name": "Nia Colleague", "email": "Nia@Example.test", "role": "viewer"})
    assert page.status_code == 302
    nia = db.session.scalar(select(contacts.User).where(contacts.User.email == "nia@example.test"))
    assert nia.organisation_id == organisation.id and nia.role == kind
    assert not nia.is_verified and nia.organisation_role == "viewer"
    assert any("/account/reset/" in link or "reset" in link for link in outbox_links(nia.email))
    # The same address twice is refused with the page shown again.
    again = client.post(f"/{kind}/colleagues/invite", data={
        "full_name": "Nia", "email": "nia@example.test", "role": "viewer"})
    assert again.status_code == 200 and "already has an account" in again.get_data(as_text=True)
    assert client.post(f"/{kind}/colleagues/{nia.id}/role",
                       data={f"p{nia.id}-role": "admin"}).status_code == 302
    db.session.refresh(nia)
    assert nia.organisation_role == "admin"
    assert client.post(f"/{kind}/colleagues/{nia.id}/remove").status_code == 302
    db.session.refresh(nia)
    assert not nia.is_enabled
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"organisation.contact_invited", "organisation.contact_role_changed",
            "organisation.contact_removed"} <= actions


def test_viewers_change_nothing_and_the_last_admin_stays(app, sign_in):
    admin = make_user("centre")
    viewer = make_user("centre", organisation=admin.organisation, organisation_role="viewer")
    stranger = make_user("centre")
    db.session.commit()
    client = app.test_client()
    sign_in(client, viewer)
    assert client.get("/centre/colleagues").status_code == 200
    assert client.post("/centre/colleagues/invite", data={
        "full_name": "X", "email": "x@example.test", "role": "admin"}).status_code == 403
    with pytest.raises(AccountError, match="at least one administrator"):
        contacts.set_colleague_role(admin.organisation, admin, admin, "viewer")
    with pytest.raises(AccountError, match="cannot remove yourself"):
        contacts.remove_colleague(admin.organisation, admin, admin)
    # Someone from another organisation looks missing.
    assert contacts.colleague_of(admin.organisation, stranger.id) is None
