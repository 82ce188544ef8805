"""Status emails: template pairs, linked to the request, and a satisfaction request that
records nothing by being opened."""

from __future__ import annotations

import re

from portal.notify.status import queue_satisfaction_request, queue_status_email


def test_a_status_email_has_text_and_html_and_links_to_the_request(app, request_id):
    message = queue_status_email(
        event_key="reply:17",
        to="c@example.test",
        first_name="Chris",
        request_id=request_id,
        reference="Q-0005",
        subject="We have replied to Q-0005",
        headline="We have replied to your query.",
        detail="First paragraph.\n\nSecond <paragraph>.",
        link="http://localhost/requests/5",
    )
    assert message.request_id == request_id and message.key == "reply:17"
    assert "Hello Chris," in message.body_text and "Q-0005" in message.body_text
    assert "http://localhost/requests/5" in message.body_text
    assert '<a href="http://localhost/requests/5">' in message.body_html
    assert "<p>Second &lt;paragraph&gt;.</p>" in message.body_html
    again = queue_status_email(
        event_key="reply:17",
        to="c@example.test",
        first_name="Chris",
        request_id=request_id,
        reference="Q-0005",
        subject="x",
        headline="y",
        link="z",
    )
    assert again.id == message.id  # the same change is never emailed twice


def test_the_satisfaction_request_links_only_to_a_page_with_a_button(app, request_id):
    message = queue_satisfaction_request(
        to="c@example.test",
        first_name="Chris",
        request_id=request_id,
        reference="Q-0005",
        link="http://localhost/requests/5/feedback",
    )
    assert message.key == f"satisfaction:{request_id}"
    links = set(re.findall(r"https?://[^\s\"<>]+", message.body_text + message.body_html))
    assert links == {"http://localhost/requests/5/feedback"}  # no one-click answer links
    assert "press" in message.body_text and "does not record anything" in message.body_text
