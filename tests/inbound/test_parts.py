"""The pieces of inbound email that need no server: parsing, HTML to text, attachment checks,
threading keys, the acknowledgement rule and the mailbox settings."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime

import pytest

from config import ConfigError
from portal.inbound.attachments import Attachment, Refusal, check_attachment, safe_filename, sniff
from portal.inbound.htmltext import html_to_text
from portal.inbound.imap import ImapError, parse_internaldate, quote
from portal.inbound.mailboxes import load_mailboxes
from portal.inbound.parse import UnreadableMessage, parse_message
from portal.inbound.services import acknowledgement_decision
from portal.inbound.threads import references_in_subject, request_reference_from_message_id
from tests.inbound.mail import EXE, PDF, PNG, build, docx_bytes

WHEN = datetime(2025, 11, 25, 10, 30, tzinfo=UTC)


# -- parsing --------------------------------------------------------------------------------


def test_a_plain_email_is_read():
    raw = build(
        sender='"Lovelace, Ada" <Ada@Example.TEST>',
        subject="=?utf-8?q?Caf=C3=A9_question?=",
        message_id="<abc@mail.example.test>",
        headers={"In-Reply-To": "<one@x.test>", "References": "<zero@x.test> <one@x.test>"},
    )
    parsed = parse_message(raw, WHEN)
    assert (parsed.sender_name, parsed.sender_email) == ("Lovelace, Ada", "Ada@Example.TEST")
    assert parsed.subject == "Café question"
    assert parsed.message_key == parsed.message_id == "<abc@mail.example.test>"
    assert parsed.in_reply_to == ("<one@x.test>",)
    assert parsed.references == ("<zero@x.test>", "<one@x.test>")
    assert parsed.replied_to == ("<one@x.test>", "<zero@x.test>")
    assert parsed.received_at == WHEN
    assert parsed.automatic is None and parsed.body_from_html is False


def test_folded_headers_and_attachment_only_mail_are_read():
    raw = (
        b"From: Ada <ada@example.test>\r\nSubject: a long\r\n  folded subject\r\n"
        b"References: <zero@x.test>\r\n\t<one@x.test>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: application/pdf; name=scan.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjcK\r\n"
    )
    parsed = parse_message(raw, WHEN)
    assert parsed.subject == "a long folded subject"
    assert parsed.references == ("<zero@x.test>", "<one@x.test>")
    assert parsed.body == ""
    assert [(a.filename, a.data) for a in parsed.attachments] == [("scan.pdf", b"%PDF-1.7\n")]


def test_plain_text_is_preferred_to_html():
    parsed = parse_message(build(body="The plain words", html="<p>The <b>HTML</b></p>"), WHEN)
    assert parsed.body == "The plain words" and not parsed.body_from_html


def test_text_is_cleaned_of_control_characters_and_a_bad_charset_does_not_fail():
    raw = (
        b"From: ada@example.test\r\nSubject: nul\x00 here\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=no-such-charset\r\n\r\nHello\x00 there\x07\r\n"
    )
    parsed = parse_message(raw, WHEN)
    assert parsed.subject == "nul here"
    assert parsed.body == "Hello there"


def test_without_a_message_id_the_key_is_a_hash_of_the_bytes():
    raw = build(message_id=None)
    first = parse_message(raw, WHEN)
    assert first.message_id is None
    assert first.message_key == parse_message(raw, WHEN).message_key
    assert first.message_key != parse_message(raw + b"\r\nmore", WHEN).message_key


def test_a_very_long_message_id_is_hashed_for_the_key():
    long_id = "<" + "a" * 300 + "@example.test>"
    parsed = parse_message(build(message_id=long_id), WHEN)
    assert parsed.message_id is None
    assert parsed.message_key.startswith("sha256:")


@pytest.mark.parametrize(
    "raw",
    [b"", b"   \r\n", b"\r\n\r\njust a body with no headers"],
)
def test_empty_or_headerless_messages_are_unreadable(raw):
    with pytest.raises(UnreadableMessage):
        parse_message(raw, WHEN)


def test_a_naive_received_time_is_refused():
    with pytest.raises(ValueError, match="aware"):
        parse_message(build(), datetime(2025, 11, 25, 10, 30))


@pytest.mark.parametrize(
    ("headers", "sender", "expected"),
    [
        ({}, "ada@example.test", None),
        ({"Auto-Submitted": "no"}, "ada@example.test", None),
        ({"Auto-Submitted": "auto-generated; owner-email=x"}, "ada@example.test",
         "Auto-Submitted: auto-generated"),
        ({"Precedence": "junk"}, "ada@example.test", "Precedence: junk"),
        ({"Precedence": "list"}, "ada@example.test", "Precedence: list"),
        ({"X-Autorespond": "1"}, "ada@example.test", "automatic reply (X-Autorespond)"),
        ({"X-Auto-Response-Suppress": "All"}, "ada@example.test",
         "sender asks for no automatic replies (X-Auto-Response-Suppress)"),
        ({}, "postmaster@example.test", "bounce (sent by the mail system)"),
    ],
)  # fmt: skip
def test_automatic_mail_is_recognised(headers, sender, expected):
    assert parse_message(build(sender=sender, headers=headers), WHEN).automatic == expected


def test_attachments_are_separated_from_the_body():
    raw = build(
        attachments=[("a.png", "image/png", PNG), ("../../etc/passwd", "text/plain", b"root")]
    )
    parsed = parse_message(raw, WHEN)
    assert parsed.body.startswith("Hello,")
    assert [(a.filename, a.claimed_type, a.data) for a in parsed.attachments] == [
        ("a.png", "image/png", PNG),
        ("../../etc/passwd", "text/plain", b"root"),
    ]


# -- HTML to text ---------------------------------------------------------------------------


def test_html_keeps_paragraphs_lists_and_link_targets():
    html = (
        "<div>First line</div><div>Second line</div><ul><li>one</li><li>two</li></ul>"
        "<p>Mail <a href='mailto:help@example.test'>help@example.test</a> or "
        "<a href='https://example.test'>https://example.test</a> or "
        "<a href='javascript:alert(1)'>this</a>.</p><img src='x.png' alt='Logo'>"
    )
    assert html_to_text(html) == (
        "First line\nSecond line\n\n- one\n- two\n\n"
        "Mail help@example.test or https://example.test or this.\n\n[image: Logo]"
    )


def test_html_drops_hidden_content_even_when_badly_closed():
    html = "<head><title>T</title><body><p>Seen</p><style>.a{}</style><script>x()"
    assert html_to_text(html) == "Seen"


def test_html_entities_become_plain_characters_never_markup():
    assert html_to_text("<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &nbsp;ok</p>") == (
        "<script>alert(1)</script> & ok"
    )


# -- attachments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (EXE, None),
        (b"PK\x03\x04 not really a zip", None),
        (b"", None),
    ],
)
def test_types_are_read_from_the_content(data, expected):
    assert sniff(data) == expected


def test_a_zip_that_is_not_a_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    result = check_attachment("sheet.docx", "application/octet-stream", buffer.getvalue())
    assert isinstance(result, Refusal)


def test_size_limit_and_names():
    assert isinstance(check_attachment("a.pdf", "application/pdf", PDF), Attachment)
    at_limit = PDF + b"0" * (10 * 1024 * 1024 - len(PDF))
    assert isinstance(check_attachment("a.pdf", "application/pdf", at_limit), Attachment)
    over = check_attachment("a.pdf", "application/pdf", at_limit + b"0")
    assert isinstance(over, Refusal)
    assert over.note == "a.pdf (10.0 MB) was not kept: files can be at most 10.0 MB."
    refused = check_attachment("a.pdf", "application/pdf", PDF, max_bytes=10)
    assert isinstance(refused, Refusal) and "at most" in refused.note
    assert safe_filename("..\\..\\windows\\evil.pdf") == "evil.pdf"
    assert safe_filename("\x00\x1f.hidden") == "hidden"
    assert safe_filename(None, "image/png", 3) == "attachment-3.png"
    assert len(safe_filename("x" * 300 + ".pdf")) <= 150
    assert safe_filename("x" * 300 + ".pdf").endswith(".pdf")


# -- threading keys -------------------------------------------------------------------------


def test_references_in_subjects():
    assert references_in_subject("Re: Q-2026-000123 and C-2025-000001, Q-2026-000123") == [
        "Q-2026-000123",
        "C-2025-000001",
    ]
    assert references_in_subject("XQ-2026-000123 or Q-2026-0001234 or q-2026-000123") == []


@pytest.mark.parametrize(
    ("message_id", "domains", "expected"),
    [
        ("<Q-2026-000123.ack@portal.example>", (), "Q-2026-000123"),
        ("<reply.q-2026-000123.7@portal.example>", ("portal.example",), "Q-2026-000123"),
        ("<Q-2026-000123@elsewhere.test>", ("portal.example",), None),
        ("<3f6c0a9e2b@portal.example>", (), None),
        ("not-a-message-id", (), None),
    ],
)
def test_references_inside_our_own_message_ids(message_id, domains, expected):
    assert request_reference_from_message_id(message_id, domains) == expected


# -- the acknowledgement rule ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("automatic", "recent", "send"),
    [(None, 0, True), (None, 2, True), (None, 3, False), (None, 9, False),
     ("Auto-Submitted: auto-replied", 0, False)],
)  # fmt: skip
def test_acknowledgement_decision(automatic, recent, send):
    decision = acknowledgement_decision(
        automatic=automatic, recent_acknowledgements=recent, limit=3
    )
    assert decision.send is send
    assert (decision.reason == "") is send


# -- IMAP details ---------------------------------------------------------------------------


def test_internaldate_is_read_as_utc_whatever_the_locale():
    assert parse_internaldate('1 (INTERNALDATE " 5-Jul-2026 10:00:00 +0100")') == datetime(
        2026, 7, 5, 9, 0, tzinfo=UTC
    )
    assert parse_internaldate('INTERNALDATE "28-Nov-2026 23:30:00 -0500"') == datetime(
        2026, 11, 29, 4, 30, tzinfo=UTC
    )
    with pytest.raises(ImapError):
        parse_internaldate("no date here")


def test_folder_names_are_quoted():
    assert quote('Needs attention') == '"Needs attention"'
    assert quote('a"b\\c') == '"a\\"b\\\\c"'


# -- mailbox settings -----------------------------------------------------------------------

BOX = {"name": "enquiries", "host": "imap.example.org", "username": "u", "password": "s3cret-pass",
       "kind": "query"}  # fmt: skip


def test_mailboxes_from_json_with_defaults(monkeypatch):
    monkeypatch.setenv("ENQ_PASSWORD", "from-the-environment")
    entry = {k: v for k, v in BOX.items() if k != "password"} | {"password_env": "ENQ_PASSWORD"}
    [box] = load_mailboxes({"INBOUND_MAILBOXES": json.dumps([entry])})
    assert (box.port, box.ssl, box.folder) == (993, "tls", "INBOX")
    assert (box.processed_folder, box.attention_folder) == ("Processed", "Needs attention")
    assert box.password == "from-the-environment"
    assert "from-the-environment" not in repr(box)
    assert load_mailboxes({"INBOUND_MAILBOXES": ""}) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "callback"}, "kind must be one of"),
        ({"ssl": "none"}, "only allowed for a server on this machine"),
        ({"ssl": "maybe"}, "ssl must be"),
        ({"port": 0}, "port must be"),
        ({"password": ""}, "password or password_env is required"),
        ({"password_env": "NOT_SET_ANYWHERE_XYZ"}, "NOT_SET_ANYWHERE_XYZ is not set"),
        ({"folder": 'In"box'}, "plain ASCII without quotes"),
        ({"folder": "Processed"}, "folder must differ"),
        ({"colour": "blue"}, "unknown keys colour"),
        ({"host": ""}, "host is required"),
    ],
)
def test_bad_mailbox_settings_are_refused_with_the_reason(change, message):
    with pytest.raises(ConfigError, match=message) as caught:
        load_mailboxes({"INBOUND_MAILBOXES": [BOX | change]})
    assert "s3cret-pass" not in str(caught.value)


def test_plain_imap_is_allowed_on_loopback_only():
    [box] = load_mailboxes({"INBOUND_MAILBOXES": [BOX | {"host": "127.0.0.1", "ssl": False}]})
    assert (box.ssl, box.port) == ("none", 143)


def test_mailbox_names_must_differ_and_json_must_be_a_list():
    with pytest.raises(ConfigError, match="different name"):
        load_mailboxes({"INBOUND_MAILBOXES": [BOX, BOX]})
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_mailboxes({"INBOUND_MAILBOXES": "[{"})
    with pytest.raises(ConfigError, match="JSON list"):
        load_mailboxes({"INBOUND_MAILBOXES": "{}"})
