"""News preferences, news email to opted-in members, and one-click unsubscribe (RFC 8058)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.membership.news import (
    read_unsubscribe_token,
    send_news,
    set_news_topics,
    subscribed_topics,
    unsubscribe_token,
)
from portal.notify.models import NewsItem, NewsSubscription, OutboxMessage
from tests.factories import make_user


def _topics(user_id: int) -> set[str]:
    db.session.expire_all()
    return set(
        db.session.scalars(
            select(NewsSubscription.topic).where(NewsSubscription.user_id == user_id)
        )
    )


def test_members_choose_topics_on_their_preferences_page(signed_in_as):
    client, user = signed_in_as("member")
    page = client.get("/member/preferences").get_data(as_text=True)
    assert "always email you about your membership" in page
    assert 'type="checkbox"' in page and "checked" not in page

    response = client.post("/member/preferences", data={"events": "y", "content": "y"})
    assert response.status_code == 302
    assert _topics(user.id) == {"events", "content"}
    page = client.get("/member/preferences").get_data(as_text=True)
    assert "Your email choices are saved." in page
    assert len(re.findall(r"checked", page)) == 2

    client.post("/member/preferences", data={"support": "y"})
    assert _topics(user.id) == {"support"}


def test_only_members_have_a_preferences_page(signed_in_as):
    client, _user = signed_in_as("staff")
    assert client.get("/member/preferences").status_code in (302, 403, 404)


def test_preferences_form_needs_its_csrf_token(app, signed_in_as):
    client, user = signed_in_as("member")
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/member/preferences", data={"events": "y"})
    assert response.status_code == 400
    assert _topics(user.id) == set()


def _opted_in(topic: str, **fields):
    user = make_user("member", **fields)
    set_news_topics(user, {topic})
    return user


def test_news_goes_only_to_enabled_members_who_chose_the_topic(app):
    fan = _opted_in("events", full_name="Ada Lovelace")
    _opted_in("content")
    _opted_in("events", is_enabled=False)
    make_user("member")
    db.session.commit()

    item = send_news("events", "Annual conference", "Join us in May.\r\n\r\nBook early.")
    db.session.commit()

    assert item.recipient_count == 1
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.to_address == fan.email
    assert message.key == f"news:{item.id}:{fan.id}"
    assert message.subject == "Annual conference"
    assert "Hello Ada," in message.body_text and "Book early." in message.body_text
    assert "<p>Join us in May.</p>" in message.body_html
    url = re.search(r"<(.+)>", message.headers["List-Unsubscribe"]).group(1)
    assert url.startswith("http://localhost/email/unsubscribe/")
    assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.body_text


def test_news_text_is_escaped_in_html(app):
    _opted_in("support")
    db.session.commit()
    send_news("support", "Tips", "Use <b>bold</b> & more")
    message = db.session.scalar(select(OutboxMessage))
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in message.body_html


def test_one_click_unsubscribe_by_post_needs_no_sign_in_or_csrf(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    user = _opted_in("events")
    set_news_topics(user, {"events", "content"})
    db.session.commit()
    token = unsubscribe_token(user.id, "events")

    response = client.post(f"/email/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert "will not get news about events" in response.get_data(as_text=True)
    assert _topics(user.id) == {"content"}
    # Again: same answer, nothing else changes.
    assert client.post(f"/email/unsubscribe/{token}").status_code == 200
    assert _topics(user.id) == {"content"}


def test_opening_the_link_only_asks_for_confirmation(app, client):
    user = _opted_in("events")
    db.session.commit()
    token = unsubscribe_token(user.id, "events")
    page = client.get(f"/email/unsubscribe/{token}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Stop news emails about events?" in text and 'method="post"' in text
    assert _topics(user.id) == {"events"}


@pytest.mark.parametrize(
    "token",
    ["nonsense", "WzEsImV2ZW50cyJd.forged", "x" * 300],
)
def test_forged_or_broken_links_do_nothing(app, client, token):
    user = _opted_in("events")
    db.session.commit()
    assert client.post(f"/email/unsubscribe/{token}").status_code == 404
    assert client.get(f"/email/unsubscribe/{token}").status_code == 404
    assert _topics(user.id) == {"events"}


def test_tokens_name_one_member_and_a_real_topic(app):
    assert read_unsubscribe_token(unsubscribe_token(7, "support")) == (7, "support")
    assert read_unsubscribe_token(unsubscribe_token(7, "politics")) is None
    other_key = unsubscribe_token(7, "support")
    app.config["SECRET_KEY"] = "another-secret"
    assert read_unsubscribe_token(other_key) is None


def test_admins_send_news_from_a_form(signed_in_as):
    client, admin = signed_in_as("admin")
    _opted_in("content")
    _opted_in("content")
    db.session.commit()
    page = client.get("/admin/news").get_data(as_text=True)
    assert "New articles and resources" in page

    response = client.post(
        "/admin/news",
        data={"topic": "content", "subject": "New guide", "body": "It is out."},
        follow_redirects=True,
    )

    assert "is queued for 2 members" in response.get_data(as_text=True)
    db.session.expire_all()
    item = db.session.scalar(select(NewsItem))
    assert (item.subject, item.recipient_count, item.created_by_id) == ("New guide", 2, admin.id)


def test_the_news_form_keeps_what_was_typed_and_says_what_is_missing(signed_in_as):
    client, _admin = signed_in_as("admin")
    response = client.post(
        "/admin/news", data={"topic": "events", "subject": "", "body": "Draft text kept"}
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in text and "Enter a subject." in text
    assert "Draft text kept" in text
    bad_topic = client.post("/admin/news", data={"topic": "gossip", "subject": "s", "body": "b"})
    assert bad_topic.status_code == 200 and "Not a valid choice" in bad_topic.get_data(as_text=True)
    assert db.session.scalar(select(NewsItem)) is None


def test_subscribed_topics_round_trip(app):
    user = make_user("member")
    set_news_topics(user, ["events", "support"])
    assert subscribed_topics(user) == {"events", "support"}
    set_news_topics(user, [])
    assert subscribed_topics(user) == set()
