"""first reply office seconds and report indexes

The office time to the first reply is stored so the charter report aggregates it in SQL;
the report reads by due instant (the queue has its own index on next_due_at).

Revision ID: 06778077cf68
Revises: 884eead4be59
Create Date: 2026-11-25 09:10:44.264765

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '06778077cf68'
down_revision = '884eead4be59'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_reply_office_seconds', sa.Integer(), nullable=True))
        batch_op.create_index('ix_service_request_response_due_at', ['response_due_at'], unique=False)


def downgrade():
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.drop_index('ix_service_request_response_due_at')
        batch_op.drop_column('first_reply_office_seconds')
