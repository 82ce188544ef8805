"""outbox: message id for threading, request foreign key

Revision ID: 54e1f914afea
Revises: 0a0db55f23d3
Create Date: 2026-11-25 09:33:01.581144

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '54e1f914afea'
down_revision = '0a0db55f23d3'
branch_labels = None
depends_on = None


def upgrade():
    # request_id had no foreign key before: drop any that point nowhere so the key can exist.
    op.execute(
        "UPDATE outbox_message SET request_id = NULL WHERE request_id IS NOT NULL "
        "AND request_id NOT IN (SELECT id FROM service_request)"
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_message_message_id'), ['message_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_message_request_id_service_request'), 'service_request', ['request_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_request_id_service_request'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_message_message_id'))
        batch_op.drop_column('message_id')

