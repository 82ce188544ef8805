"""certificate reprint requests

A reprint (lost, damaged, wrong details) is a request of its own, so the request and
reusable-reply kinds gain ``certificate-reprint``. Check constraints are dropped and made
again (batch mode rebuilds the table on SQLite).

Revision ID: 22ab4ff99829
Revises: 06778077cf68
Create Date: 2026-11-25 10:13:59.478330

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '22ab4ff99829'
down_revision = '06778077cf68'
branch_labels = None
depends_on = None

OLD = ("'query', 'complaint', 'callback', 'feedback', 'membership-application', "
       "'membership-upgrade', 'employer-support', 'centre-support'")
NEW = OLD + ", 'certificate-reprint'"


def _kinds(table: str, kinds: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f"ck_{table}_kind"), type_="check")
        batch_op.create_check_constraint(op.f(f"ck_{table}_kind"), f"kind IN ({kinds})")


def upgrade():
    for table in ("service_request", "reusable_reply"):
        _kinds(table, NEW)


def downgrade():
    op.execute("DELETE FROM reusable_reply WHERE kind = 'certificate-reprint'")
    op.execute("DELETE FROM service_request WHERE kind = 'certificate-reprint'")
    for table in ("service_request", "reusable_reply"):
        _kinds(table, OLD)
