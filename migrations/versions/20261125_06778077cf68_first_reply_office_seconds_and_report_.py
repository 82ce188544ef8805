"""first reply office seconds and report indexes

The office time to the first reply is stored so the charter report aggregates it in SQL;
the report reads by due instant and the queue walks open requests in due order.

Revision ID: 06778077cf68
Revises: a45392ef02fe
Create Date: 2026-11-25 09:10:44.264765

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '06778077cf68'
down_revision = 'a45392ef02fe'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_reply_office_seconds', sa.Integer(), nullable=True))
        batch_op.create_index('ix_service_request_open_due', ['response_due_at', 'id'], unique=False, postgresql_where=sa.text("status IN ('received', 'with_team', 'waiting_customer', 'answered')"), sqlite_where=sa.text("status IN ('received', 'with_team', 'waiting_customer', 'answered')"))
        batch_op.create_index('ix_service_request_response_due_at', ['response_due_at'], unique=False)


def downgrade():
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.drop_index('ix_service_request_response_due_at')
        batch_op.drop_index('ix_service_request_open_due', postgresql_where=sa.text("status IN ('received', 'with_team', 'waiting_customer', 'answered')"), sqlite_where=sa.text("status IN ('received', 'with_team', 'waiting_customer', 'answered')"))
        batch_op.drop_column('first_reply_office_seconds')
