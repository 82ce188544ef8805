"""The send-outbox job."""

from __future__ import annotations

from datetime import datetime

from portal.notify.sender import send_pending


def send_outbox(now: datetime) -> str:
    """Send pending mail whose time has come (portal/notify/sender.py has the rules).

    Without a mail server configured the messages stay in the outbox, where admins read
    them in the development mailbox. The sender commits after each message (its claim, then
    each "sent"), so the wrapper's final commit has nothing left to do.
    """
    from flask import current_app

    if not current_app.config["MAIL_SERVER"]:
        return "no SMTP server configured; mail kept in the development mailbox"
    return str(send_pending(now))
