"""``flask inbound check``, ``poll`` and ``recent`` (docs/INBOUND.md)."""

from __future__ import annotations

import imaplib

import click
from flask import current_app
from flask.cli import AppGroup

from config import ConfigError

inbound_cli = AppGroup("inbound", help="Inbound email: the mailboxes that become requests.")


@inbound_cli.command("check")
def check() -> None:
    """Log in to every configured mailbox and count what is waiting (changes nothing)."""
    from .imap import ImapError, ImapMailbox
    from .mailboxes import load_mailboxes

    try:
        boxes = load_mailboxes(current_app.config)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    if not boxes:
        click.echo("No mailboxes configured: set INBOUND_MAILBOXES (see docs/INBOUND.md).")
        return
    failed = False
    for box in boxes:
        try:
            with ImapMailbox.open(box, timeout=current_app.config["INBOUND_TIMEOUT"]) as imap:
                waiting = len(imap.uids())
        except (ImapError, imaplib.IMAP4.error, OSError) as exc:
            failed = True
            click.echo(f"{box.name}: cannot read {box.folder} on {box.host}: {exc}")
            continue
        click.echo(
            f"{box.name}: {box.username} on {box.host}:{box.port} ({box.ssl}), "
            f"{box.folder}: {waiting} waiting; opens {box.kind} requests"
        )
    if failed:
        raise click.ClickException("Some mailboxes could not be read.")


@inbound_cli.command("poll")
def poll() -> None:
    """Read the mailboxes once now (what the worker's job does every few minutes)."""
    from portal.jobs.runner import run_job

    from .job import poll_mailboxes

    click.echo(run_job(current_app._get_current_object(), "inbound-mail", poll_mailboxes))


@inbound_cli.command("recent")
@click.option(
    "--status",
    type=click.Choice(["taken", "threaded", "set_aside", "ignored"]),
    help="Only messages with this outcome (set_aside: the ones staff need to look at).",
)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500))
def recent(status: str | None, limit: int) -> None:
    """List the latest messages read, with what became of them and why."""
    from sqlalchemy import select

    from portal.charter.wording import format_london
    from portal.extensions import db

    from .models import InboundMessage

    query = select(InboundMessage).order_by(InboundMessage.id.desc()).limit(limit)
    if status:
        query = query.where(InboundMessage.status == status)
    rows = db.session.scalars(query).all()
    if not rows:
        click.echo("No messages.")
    for row in rows:
        sender = row.sender_email or "unknown sender"
        request = f" request {row.request_id}" if row.request_id else ""
        click.echo(
            f"{row.id} {row.status}{request} [{row.mailbox}] {format_london(row.received_at, True)}"
            f" from {sender}: {row.subject or '(no subject)'}"
        )
        for line in row.reason.splitlines():
            click.echo(f"    {line}")
