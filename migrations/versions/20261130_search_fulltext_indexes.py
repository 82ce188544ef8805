"""full-text search indexes for help articles and requests

One table per index (see portal/search/schema.py): a weighted tsvector with a GIN index on
PostgreSQL, an FTS5 table with the porter stemmer on SQLite.

Revision ID: search_fulltext
Revises: 22ab4ff99829
Create Date: 2026-11-30 05:20:00

"""
from alembic import op

from portal.search.schema import create_statements, drop_statements

# revision identifiers, used by Alembic.
revision = "search_fulltext"
down_revision = "22ab4ff99829"
branch_labels = None
depends_on = None

INDEXES = ("help_articles", "requests")


def upgrade():
    dialect = op.get_bind().dialect.name
    for index in INDEXES:
        for statement in create_statements(dialect, index):
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for index in INDEXES:
        for statement in drop_statements(dialect, index):
            op.execute(statement)
