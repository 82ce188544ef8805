"""Command-line commands: ``flask demo seed``, ``flask worker``; areas add their own groups."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demonstration data for trying the portal.")


@demo_cli.command("seed")
def demo_seed() -> None:
    """Create the demo accounts and data (safe to run again; refused in production)."""
    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("Demo data is never loaded into a production database.")
    from portal.demo import seed
    from portal.extensions import db

    created = seed()
    db.session.commit()
    if created:
        click.echo(f"Demo data loaded ({created} accounts created).")
    else:
        click.echo("Demo data already present; nothing changed.")


@demo_cli.command("accounts")
def demo_accounts() -> None:
    """Print the demo sign-ins."""
    from portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET

    click.echo(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
    click.echo(f"Staff and admin two-step sign-in: authenticator key {DEMO_TOTP_SECRET}")
    for email, role, _name in DEMO_ACCOUNTS:
        click.echo(f"  {role:<9} {email}")


@click.command("worker")
@click.option("--once", is_flag=True, help="Run every job once and exit.")
def worker(once: bool) -> None:
    """Run the background worker (the scheduler); one per deployment."""
    from portal.jobs.worker import run_worker

    run_worker(current_app._get_current_object(), once=once)


def register(app: Flask) -> None:
    from portal.inbound.cli import inbound_cli
    from portal.settings.cli import charter_cli

    app.cli.add_command(charter_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(inbound_cli)
    app.cli.add_command(worker)
