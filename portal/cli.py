"""Command-line commands: ``flask demo seed``, ``flask worker`` and ``flask jobs``."""

from __future__ import annotations

from datetime import UTC, datetime

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
    db.session.commit()  # a CLI command is a job of its own: one commit for the whole seed
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


@demo_cli.command("code")
def demo_code() -> None:
    """Print the current two-step sign-in code of the demo staff and admin accounts."""
    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("There are no demo accounts in production.")
    import pyotp

    from portal.demo import DEMO_TOTP_SECRET

    click.echo(pyotp.TOTP(DEMO_TOTP_SECRET).now())


@click.command("worker")
@click.option("--once", is_flag=True, help="Run every job once and exit.")
def worker(once: bool) -> None:
    """Run the background worker (the scheduler); one per deployment."""
    from portal.jobs.worker import run_worker

    run_worker(current_app._get_current_object(), once=once)


jobs_cli = AppGroup("jobs", help="The scheduled jobs the worker runs.")


def parse_instant(value: str) -> datetime:
    """An ISO date or date-time; without a zone it is London time, as operators think."""
    from portal.charter import LONDON

    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            "use an ISO date or date-time, for example 2026-12-01T09:00 or 2026-12-01T09:00Z"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LONDON)
    return parsed.astimezone(UTC)


@jobs_cli.command("list")
def jobs_list() -> None:
    """Show every job and when it would next run."""
    from portal.charter.wording import format_london
    from portal.jobs.registry import JOBS, next_run

    now = datetime.now(UTC)
    width = max(len(name) for name in JOBS)
    for job in JOBS.values():
        upcoming = next_run(job, current_app.config, now)
        when = format_london(upcoming, with_year=True) if upcoming else "never"
        startup = " (and when the worker starts)" if job.run_at_startup else ""
        click.echo(f"{job.name:<{width}}  next {when}{startup}")
        click.echo(f"{'':<{width}}  {job.description}")


@jobs_cli.command("run")
@click.argument("name")
@click.option("--now", "now_text", help="Run as of this instant (ISO; London time if no zone).")
def jobs_run(name: str, now_text: str | None) -> None:
    """Run one job once, now or as of the instant given."""
    from portal.jobs.registry import JOBS
    from portal.jobs.runner import run_job

    job = JOBS.get(name)
    if job is None:
        raise click.ClickException(f"No job called {name!r}. Jobs: {', '.join(JOBS)}")
    now = parse_instant(now_text) if now_text else None
    result = run_job(current_app._get_current_object(), job.name, job.func, now=now)
    click.echo(f"{job.name}: {result}")


def register(app: Flask) -> None:
    from portal.help.cli import help_cli
    from portal.inbound.cli import inbound_cli
    from portal.jobs.performance import performance_cli
    from portal.requests.cli import requests_cli
    from portal.settings.cli import charter_cli

    app.cli.add_command(charter_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(help_cli)
    app.cli.add_command(inbound_cli)
    app.cli.add_command(worker)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(performance_cli)
    app.cli.add_command(requests_cli)
