"""Alembic environment: runs inside the Flask app (``flask db ...``) and uses its engine."""

from __future__ import annotations

import logging

from alembic import context
from flask import current_app

log = logging.getLogger("alembic.env")
config = context.config
db = current_app.extensions["migrate"].db


def render_item(type_, obj, autogen_context):
    """Render the portal's own column types as the plain types they are stored as."""
    from portal.database import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _options() -> dict:
    from portal.search.schema import include_name

    return {
        "include_name": include_name,  # the full-text tables have no models
        "target_metadata": db.metadata,
        "compare_type": True,
        "render_as_batch": True,  # SQLite needs table rebuilds for most ALTERs
        "render_item": render_item,
    }


def run_migrations_offline() -> None:
    context.configure(url=str(db.engine.url), literal_binds=True, **_options())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    def skip_empty(context_, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            log.info("No changes in schema detected.")

    with db.engine.connect() as connection:
        context.configure(
            connection=connection, process_revision_directives=skip_empty, **_options()
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
