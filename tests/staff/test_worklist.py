"""Working the queue (issue #16): take the next case, assign to me, bulk changes, team
queues, saved views, finding closed cases and merging duplicates."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.requests import services
from portal.requests.models import RequestMerge, ServiceRequest, Status
from portal.staff import teams, workload
from portal.staff.queue import QueueFilters
from tests.factories import make_organisation, make_user


def reload(r: ServiceRequest) -> ServiceRequest:
    db.session.expire_all()
    return db.session.get(ServiceRequest, r.id)


def test_take_next_gives_the_most_urgent_unassigned_case_i_may_work(submit):
    me, other = make_user("staff"), make_user("staff")
    org = make_organisation("employer", support_contact=other, deputy_contact=other)
    employer = make_user("employer", organisation=org)
    # Same-day, so due first; but it is the dedicated contact's to work.
    employers = submit("employer-support", requester=employer, organisation=org).request
    callback = submit("callback", details={"phone": "07700 900123"}).request  # 8 office hours
    taken = submit("query", subject="Taken already").request
    services.assign(taken, other, other)
    query = submit("query", subject="Later one").request
    db.session.flush()
    first = workload.take_next(me, QueueFilters(me=me.id))
    assert first.id == callback.id and first.assignee_id == me.id
    assert workload.take_next(me, QueueFilters(me=me.id)).id == query.id
    assert workload.take_next(me, QueueFilters(me=me.id)) is None
    assert employers.assignee_id is None
    assert workload.take_next(other, QueueFilters(me=other.id)).id == employers.id


def test_team_queues_and_a_default_team(signed_in_as, submit):
    client, me = signed_in_as("staff")
    complaint = submit("complaint", subject="Rude phone call").request
    query = submit("query", subject="Exam results date").request
    db.session.commit()
    page = client.get("/staff/queue").get_data(as_text=True)
    assert complaint.reference in page and query.reference in page
    assert "Rude phone call" in page and "Vera Visitor" in page  # subject and customer
    assert client.post("/staff/team", data={"team": "complaints"}).status_code == 302
    assert teams.default_team(me.id) == "complaints"
    page = client.get("/staff/queue").get_data(as_text=True)
    assert complaint.reference in page and query.reference not in page
    page = client.get("/staff/queue?team=all").get_data(as_text=True)
    assert query.reference in page
    page = client.get("/staff/queue?team=membership").get_data(as_text=True)
    assert query.reference in page and complaint.reference not in page
    # Take the next one in my team: the complaint, not the query.
    response = client.post("/staff/queue/next")
    assert response.headers["Location"].endswith(f"/staff/requests/{complaint.reference}")


def test_bulk_assign_status_and_close_go_through_each_cases_rules(signed_in_as, submit):
    client, me = signed_in_as("staff")
    colleague = make_user("staff", full_name="Jordan Lee")
    cases = [submit("query", subject=f"Question {n}").request for n in range(5)]
    complaint = submit("complaint").request
    db.session.commit()
    refs = [c.reference for c in cases]
    response = client.post("/staff/queue/bulk?team=all", data={
        "action": "assign", "assignee": str(colleague.id), "selected": refs})
    assert response.status_code == 302 and "team=all" in response.headers["Location"]
    assert {reload(c).assignee_id for c in cases} == {colleague.id}
    assert all(reload(c).events[-1].kind == "assigned" for c in cases)
    client.post("/staff/queue/bulk", data={
        "action": "status", "status": "answered", "selected": [refs[0], complaint.reference]})
    assert reload(cases[0]).status == Status.ANSWERED
    assert reload(complaint).status == Status.RECEIVED  # a complaint needs a date first
    page = client.get("/staff/queue").get_data(as_text=True)
    assert f"{complaint.reference} was not changed" in page
    client.post("/staff/queue/bulk", data={"action": "close", "selected": refs[3:]})
    assert {reload(c).status for c in cases[3:]} == {Status.CLOSED}
    nothing = client.post("/staff/queue/bulk", data={"action": "close"})
    assert nothing.status_code == 302
    assert "Select at least one case." in client.get("/staff/queue").get_data(as_text=True)
    bad = client.post("/staff/queue/bulk", data={"action": "assign", "assignee": "x",
                                                 "selected": refs})
    assert bad.status_code == 302


def test_assign_to_me_from_the_queue_and_the_case(signed_in_as, submit):
    client, me = signed_in_as("staff")
    r = submit("query").request
    db.session.commit()
    page = client.get("/staff/queue").get_data(as_text=True)
    assert "Assign to me" in page and 'accesskey="n"' in page
    response = client.post(f"/staff/requests/{r.reference}/take?team=all", data={"back": "queue"})
    assert response.headers["Location"].endswith("/staff/queue?team=all")
    assert reload(r).assignee_id == me.id


def test_saved_views_are_named_shortcuts_for_one_person(signed_in_as):
    client, me = signed_in_as("staff")
    response = client.post("/staff/views", data={
        "name": "My overdue", "address": "/staff/queue?assignee=mine&state=overdue"})
    assert response.headers["Location"].endswith("/staff/queue?assignee=mine&state=overdue")
    page = client.get("/staff/queue").get_data(as_text=True)
    assert 'href="/staff/queue?assignee=mine&amp;state=overdue">My overdue</a>' in page
    assert client.post("/staff/views", data={
        "name": "Away", "address": "https://elsewhere.example/staff/queue"}).status_code == 302
    assert [v.name for v in workload.my_views(me)] == ["My overdue"]
    other_client, _other = signed_in_as("staff")
    view_id = workload.my_views(me)[0].id
    assert other_client.post(f"/staff/views/{view_id}/delete").status_code == 404
    assert client.post(f"/staff/views/{view_id}/delete").status_code == 302
    assert workload.my_views(me) == []


def test_find_a_closed_case_by_a_word_from_its_conversation(signed_in_as, submit):
    client, me = signed_in_as("staff")
    r = submit("query", subject="Printer trouble").request
    services.staff_reply(r, me, "Try clearing the spooler queue, then print again.")
    services.close(r, me)
    submit("query", subject="Something else")
    db.session.commit()
    assert r.reference not in client.get("/staff/queue?q=spooler").get_data(as_text=True)
    page = client.get("/staff/find?q=spooler").get_data(as_text=True)
    assert r.reference in page and "Something else" not in page
    page = client.get("/staff/find?q=spooler&scope=open").get_data(as_text=True)
    assert r.reference not in page
    assert client.get("/staff/find?q=%22%2A%29&page=999999999").status_code == 200


def test_merging_duplicates_keeps_every_timeline_and_the_earliest_promise(
        signed_in_as, submit, client):
    staff_client, me = signed_in_as("staff")
    member = make_user("member", full_name="Priya Sharma")
    first = submit("query", requester=member, subject="CPD record not saving",
                   received_at=_at(2026, 11, 23, 10)).request
    second = submit("query", requester=member, subject="CPD record still not saving",
                    received_at=_at(2026, 11, 25, 10)).request
    third = submit("query", requester=member, subject="CPD record: third try",
                   received_at=_at(2026, 11, 26, 10)).request
    stranger = submit("query", subject="CPD").request
    db.session.commit()
    page = staff_client.get(f"/staff/requests/{third.reference}/merge").get_data(as_text=True)
    assert first.reference in page and second.reference in page
    assert stranger.reference not in page
    refused = staff_client.post(f"/staff/requests/{third.reference}/merge",
                                data={"other": stranger.reference})
    assert refused.status_code == 400 and "another customer" in refused.get_data(as_text=True)
    response = staff_client.post(f"/staff/requests/{third.reference}/merge",
                                 data={"duplicates": [first.reference, second.reference]})
    assert response.status_code == 302
    kept = reload(third)
    assert kept.response_due_at == reload(first).response_due_at  # the earliest promise
    assert {e.data.get("from_reference") for e in kept.events} >= {
        first.reference, second.reference}
    assert sum(e.kind == "submitted" for e in kept.events) == 3  # all three timelines
    assert reload(first).status == Status.CLOSED and reload(first).events == []
    assert db.session.get(RequestMerge, first.id).merged_into_id == third.id
    mail = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.to_address == member.email).order_by(OutboxMessage.id.desc())).first()
    assert "joined" in mail.subject
    # The customer's link to a duplicate leads to the merged case.
    from tests.factories import PASSWORD
    client.post("/account/sign-in", data={"email": member.email, "password": PASSWORD})
    page = client.get(f"/member/requests/{first.reference}").get_data(as_text=True)
    assert "CPD record: third try" in page and "We joined" in page
    # Found by the duplicate's words, as one case.
    found = staff_client.get("/staff/find?q=still").get_data(as_text=True)
    assert third.reference in found


def _at(*parts):
    from datetime import UTC, datetime
    return datetime(*parts, tzinfo=UTC)
