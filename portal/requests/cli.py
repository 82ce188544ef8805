"""``flask requests reindex``: fill the search index for requests made before it existed."""

from __future__ import annotations

import click
from flask.cli import AppGroup

requests_cli = AppGroup("requests", help="Requests: keeping the search index filled.")


@requests_cli.command("reindex")
@click.option("--batch", default=1000, show_default=True, help="Requests per batch.")
def reindex(batch: int) -> None:
    """Write the search document of every request (safe to run again at any time)."""
    from portal.extensions import db
    from portal.requests.search import reindex_all

    done = reindex_all(batch=batch)
    db.session.commit()  # a CLI command is a job of its own: one commit for the backfill
    click.echo(f"Indexed {done} requests for search.")
