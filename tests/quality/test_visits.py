"""Quality visits and their actions (issue 20): staff record, the centre marks done with
evidence, staff accept or return; overdue actions stand out on both sides."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.quality import services
from portal.quality.models import QualityAction
from tests.approvals.helpers import make_centre_user, make_qualification
from tests.factories import make_user


@pytest.fixture
def people(app):
    centre_user = make_centre_user(qualifications=[make_qualification()])
    staff = make_user("staff")
    db.session.commit()
    return centre_user, staff


def test_visit_to_accepted_action(app, people, sign_in):
    centre_user, staff = people
    visit = services.record_visit(
        centre_user.organisation, staff, visited_on=date(2026, 11, 20), assessor_name="Rae Khan",
        outcome="actions", summary="Good practice.",
        actions=[("Update the IQA sampling plan", date(2026, 12, 4))])
    db.session.commit()
    assert db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.to_address == centre_user.email)) is not None
    action = visit.actions[0]
    late = datetime(2026, 12, 4, 17, 1, tzinfo=UTC)
    assert action.is_overdue(late) and not action.is_overdue(datetime(2026, 12, 4, 16, tzinfo=UTC))
    assert services.overdue_count(late, centre_user.organisation_id) == 1

    client = app.test_client()
    sign_in(client, centre_user)
    assert "Update the IQA sampling plan" in client.get("/centre/quality").get_data(as_text=True)
    state = client.get("/centre/quality/state.json")
    assert state.json["events"] == 1
    assert client.get("/centre/quality/state.json",
                      headers={"If-None-Match": state.headers["ETag"]}).status_code == 304
    empty = client.post(f"/centre/quality/actions/{action.id}", data={f"a{action.id}-evidence": ""})
    assert empty.status_code == 200 and "Say what you did." in empty.get_data(as_text=True)
    done = client.post(f"/centre/quality/actions/{action.id}",
                       data={f"a{action.id}-evidence": "New plan on the shared drive."})
    assert done.status_code == 302
    db.session.refresh(action)
    assert action.status == "submitted" and not action.is_overdue(late)

    services.decide_action(action, staff, accept=False, note="Add the dates.")
    db.session.commit()
    assert action.status == "returned" and action.is_overdue(late)
    assert client.get("/centre/quality/state.json",
                      headers={"If-None-Match": state.headers["ETag"]}).status_code == 200
    services.submit_evidence(action, centre_user, "Dates added.")
    services.decide_action(action, staff, accept=True)
    assert action.status == "accepted"


def test_rules(app, people):
    centre_user, staff = people
    with pytest.raises(services.QualityError, match="at least one action"):
        services.record_visit(centre_user.organisation, staff, visited_on=date(2026, 11, 20),
                              assessor_name="Rae", outcome="actions", summary="", actions=[])
    with pytest.raises(services.QualityError, match="not a working day"):
        services.record_visit(centre_user.organisation, staff, visited_on=date(2026, 11, 20),
                              assessor_name="Rae", outcome="actions", summary="",
                              actions=[("Do it", date(2026, 12, 25))])
    visit = services.record_visit(centre_user.organisation, staff, visited_on=date(2026, 11, 20),
                                  assessor_name="Rae", outcome="satisfactory", summary="",
                                  actions=[("Do it", date(2026, 12, 1))])
    with pytest.raises(services.QualityError, match="Say what is still needed"):
        services.submit_evidence(visit.actions[0], centre_user, "Done")
        services.decide_action(visit.actions[0], staff, accept=False)


def test_another_centre_cannot_touch_the_action(app, people, sign_in):
    centre_user, staff = people
    visit = services.record_visit(centre_user.organisation, staff, visited_on=date(2026, 11, 20),
                                  assessor_name="Rae", outcome="actions", summary="",
                                  actions=[("Do it", date(2026, 12, 1))])
    other = make_centre_user(qualifications=[make_qualification()])
    db.session.commit()
    client = app.test_client()
    sign_in(client, other)
    action_id = visit.actions[0].id
    assert client.post(f"/centre/quality/actions/{action_id}",
                       data={f"a{action_id}-evidence": "x"}).status_code == 404
    assert db.session.get(QualityAction, action_id).status == "open"


def test_staff_pages(app, people, sign_in):
    centre_user, staff = people
    db.session.commit()
    client = app.test_client()
    sign_in(client, staff)
    page = client.post("/staff/centres/quality", data={
        "centre": centre_user.organisation_id, "visited_on": "2026-11-20",
        "assessor_name": "Rae Khan", "outcome": "actions", "summary": "",
        "action_1": "Update the plan", "due_1": "2026-12-04", "action_2": "Half filled"})
    assert page.status_code == 200 and "Enter when action 2 is due." in page.get_data(as_text=True)
    made = client.post("/staff/centres/quality", data={
        "centre": centre_user.organisation_id, "visited_on": "2026-11-20",
        "assessor_name": "Rae Khan", "outcome": "actions", "summary": "",
        "action_1": "Update the plan", "due_1": "2026-12-04"})
    assert made.status_code == 302
    assert client.get(made.headers["Location"]).status_code == 200
    assert client.get("/staff/centres/quality").status_code == 200
