"""centres' amendments and appeals are requests of their own (issue 20)

The request and reusable-reply kinds gain ``certificate-amendment`` and ``centre-appeal``.
Check constraints are dropped and made again (batch mode rebuilds the table on SQLite).

Revision ID: i20_request_kinds
Revises: i20_centres
Create Date: 2026-11-30 05:20:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'i20_request_kinds'
down_revision = 'i20_centres'
branch_labels = None
depends_on = None

OLD = ("'query', 'complaint', 'callback', 'feedback', 'membership-application', "
       "'membership-upgrade', 'employer-support', 'centre-support', 'certificate-reprint'")
NEW = OLD + ", 'certificate-amendment', 'centre-appeal'"


def _kinds(table: str, kinds: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f"ck_{table}_kind"), type_="check")
        batch_op.create_check_constraint(op.f(f"ck_{table}_kind"), f"kind IN ({kinds})")


def upgrade():
    for table in ("service_request", "reusable_reply"):
        _kinds(table, NEW)


def downgrade():
    for kind in ("certificate-amendment", "centre-appeal"):
        op.execute(f"DELETE FROM reusable_reply WHERE kind = '{kind}'")
        op.execute(f"DELETE FROM service_request WHERE kind = '{kind}'")
    for table in ("service_request", "reusable_reply"):
        _kinds(table, OLD)
