"""``flask help import DIR`` and ``flask help export DIR``: help articles as files."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

help_cli = AppGroup("help", help="Help centre articles as Markdown files.")


@help_cli.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def import_command(folder: Path) -> None:
    """Load a folder of Markdown articles, publishing what is new or changed (by slug)."""
    from portal.extensions import db
    from portal.help.files import import_folder

    result = import_folder(folder)
    db.session.commit()  # a CLI command is a job of its own: one commit for the whole folder
    click.echo(f"{len(result.created)} created, {len(result.updated)} updated, "
               f"{len(result.unchanged)} unchanged.")
    for problem in result.problems:
        click.echo(f"Not imported: {problem}", err=True)
    if result.problems:
        raise SystemExit(1)


@help_cli.command("export")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def export_command(folder: Path) -> None:
    """Write every published article to a folder as Markdown with front matter."""
    from portal.help.files import export_folder

    written = export_folder(folder)
    click.echo(f"{len(written)} articles written to {folder}.")
