"""Visitors contact us without an account and follow a private link; pages stay current."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from portal.extensions import db
from portal.requests import live, services
from portal.requests.models import ServiceRequest
from tests.conftest import outbox_links
from tests.factories import make_user
from tests.requests.conftest import PDF, post_multipart, upload

VISITOR = {
    "full_name": "Vera Visitor",
    "email": "vera@example.test",
    "contact_phone": "",
    "subject": "Exam results",
    "body": "When are results out?",
    "submission_key": "v" * 22,
}


def _private_link(email: str = "vera@example.test") -> str:
    links = [link for link in outbox_links(email) if "/r/" in link]
    return links[-1].removeprefix("http://localhost")


def test_visitor_contacts_us_and_follows_the_private_link(client):
    assert "Ask a question" in client.get("/contact").get_data(as_text=True)
    response = client.post("/contact/question", data=VISITOR)
    assert response.headers["Location"] == "/contact/received"
    page = client.get("/contact/received").get_data(as_text=True)
    made = db.session.scalars(select(ServiceRequest)).one()
    assert made.reference in page and "We have emailed a private link" in page
    assert made.requester_id is None

    link = _private_link()
    assert re.fullmatch(r"/r/[A-Za-z0-9_-]{32}", link)
    detail = client.get(link)
    assert detail.status_code == 200
    assert detail.headers["Referrer-Policy"] == "no-referrer"
    assert "When are results out?" in detail.get_data(as_text=True)

    staff = make_user("staff")
    services.staff_reply(made, staff, "Results are out on 1 August.")
    db.session.commit()
    assert "1 August" in client.get(link).get_data(as_text=True)
    # The reply email carries the same private link.
    assert _private_link() == link

    response = post_multipart(client, f"{link}/reply", {"reply-body": "Thanks!"},
                              [("scan.pdf", PDF)], field="reply-attachments")
    assert response.status_code == 302
    db.session.expire_all()
    made = db.session.get(ServiceRequest, made.id)
    assert made.events[-1].body == "Thanks!"
    attachment = made.attachments[0]
    download = client.get(f"{link}/files/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF
    download.close()


def test_visitor_form_errors_keep_what_was_typed(client):
    page = client.post("/contact/complaint", data=dict(VISITOR, email="not-an-email", outcome="")
                       ).get_data(as_text=True)
    assert "Enter an email address in the right format" in page
    assert "Tell us what you would like us to do." in page
    assert 'value="Vera Visitor"' in page and "When are results out?" in page
    assert db.session.scalar(select(ServiceRequest)) is None


def test_visitor_callback_asks_for_the_phone_once(client):
    page = client.get("/contact/callback").get_data(as_text=True)
    assert page.count('type="tel"') == 1
    client.post("/contact/callback", data={
        "full_name": "Cal Back", "email": "cal@example.test", "phone": "020 7946 0123",
        "preferred_time": "afternoon", "body": "About fees", "submission_key": "b" * 22})
    made = db.session.scalars(select(ServiceRequest)).one()
    assert made.requester_phone == "020 7946 0123"
    assert made.kind == "callback"


def test_double_submit_by_a_visitor_makes_one_request(client):
    client.post("/contact/question", data=VISITOR)
    client.post("/contact/question", data=VISITOR)
    assert len(db.session.scalars(select(ServiceRequest)).all()) == 1


@pytest.fixture
def visitor_request(app):
    made = services.submit_request("query", subject="Fees", body="How much?", name="Val",
                                   email="val@example.test", uploads=[upload()])
    db.session.commit()
    return made


def _private_urls(token: str, attachment_id: int) -> list[tuple[str, str]]:
    base = f"/r/{token}"
    return [("GET", base), ("GET", f"{base}/live"), ("GET", f"{base}/files/{attachment_id}"),
            ("POST", f"{base}/reply"), ("POST", f"{base}/accept-date"),
            ("POST", f"{base}/discuss-date"), ("POST", f"{base}/rate")]


def test_made_up_private_links_are_404(client, visitor_request):
    token = visitor_request.private_token
    attachment_id = visitor_request.request.attachments[0].id
    for bad in (token[:-2] + "xx", "short", "A" * 32):
        for method, url in _private_urls(bad, attachment_id):
            assert client.open(url, method=method, data={"reply-body": "x"}).status_code == 404, url


def test_private_link_expires_90_days_after_close(client, visitor_request):
    made, token = visitor_request.request, visitor_request.private_token
    services.close(made, make_user("staff"))
    db.session.commit()
    attachment_id = made.attachments[0].id
    with time_machine.travel(made.closed_at + timedelta(days=89)):
        response = client.get(f"/r/{token}")
        assert response.status_code == 200
        assert "This request is closed" in response.get_data(as_text=True)
    with time_machine.travel(made.closed_at + timedelta(days=91)):
        for method, url in _private_urls(token, attachment_id):
            assert client.open(url, method=method, data={"reply-body": "x"}).status_code == 404, url


# ---------------------------------------------------------------------------- live


def test_state_endpoint_answers_304_until_something_changes(client, visitor_request):
    made = visitor_request.request
    url = f"/live/{live.state_key('r', made.id)}"
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag == live.request_etag(made.id, made.version)
    unchanged = client.get(url, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.data == b""
    assert "Set-Cookie" not in unchanged.headers  # the session was never touched

    services.staff_reply(made, make_user("staff"), "Here you are.")
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag

    fragment = client.get(f"/r/{visitor_request.private_token}/live")
    assert fragment.headers["ETag"] == changed.headers["ETag"]
    assert "Here you are." in fragment.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)


@pytest.mark.parametrize("key", ["r1.forged", "r1", "x1.abc", "r.abc", "u1.", "../etc"])
def test_forged_or_malformed_state_keys_are_404(client, visitor_request, key):
    assert client.get(f"/live/{key}").status_code == 404


def test_state_key_for_a_missing_request_is_404(client):
    assert client.get(f"/live/{live.state_key('r', 424242)}").status_code == 404


def test_dashboard_state_changes_with_any_of_the_members_requests(signed_in_as):
    client, member = signed_in_as("member")
    page = client.get("/member/").get_data(as_text=True)
    url = re.search(r'data-live-state="([^"]+)"', page).group(1)
    etag = re.search(r'data-live-etag="([^"]+)"', page).group(1).replace("&#34;", '"')
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    made = services.submit_request("query", subject="Q", body="B", requester=member).request
    db.session.commit()
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    fragment = client.get("/member/requests/live")
    assert fragment.headers["ETag"] == response.headers["ETag"]
    assert made.reference in fragment.get_data(as_text=True)


def test_version_cache_refreshes_in_bulk(app, visitor_request):
    """With the cache on, repeated polls read memory; a change shows after one refresh."""
    made = visitor_request.request
    cache = live.VersionCache()
    assert cache.request_etag(made.id, max_age=60) == live.request_etag(made.id, made.version)
    services.staff_reply(made, make_user("staff"), "Changed")
    db.session.commit()
    # Within max_age the cached answer stands...
    assert cache.request_etag(made.id, max_age=60) == live.request_etag(made.id, 1)
    # ...and the next bulk refresh picks the change up.
    cache._refreshed_at -= 61
    assert cache.request_etag(made.id, max_age=60) == live.request_etag(made.id, made.version)
    assert cache.user_etag(999, max_age=60) == live.user_etag(999, 0, 0)
