"""inbound email: one row per message read from a mailbox (issue #10)

message_key is unique so each email is taken once; request_id gets its foreign key when the
requests table lands.

Revision ID: d1d7c55d9abb
Revises: a45392ef02fe
Create Date: 2026-11-25 08:57:45.987363

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'd1d7c55d9abb'
down_revision = 'a45392ef02fe'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('inbound_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_key', sa.String(length=255), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=True),
    sa.Column('mailbox', sa.String(length=100), nullable=False),
    sa.Column('uid_validity', sa.BigInteger(), nullable=True),
    sa.Column('uid', sa.BigInteger(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sender_name', sa.String(length=200), nullable=False),
    sa.Column('sender_email', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('automatic', sa.String(length=100), nullable=False),
    sa.Column('clock_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('is_acknowledged', sa.Boolean(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('taken', 'threaded', 'set_aside', 'ignored')", name=op.f('ck_inbound_message_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_message')),
    sa.UniqueConstraint('message_key', name=op.f('uq_inbound_message_message_key'))
    )
    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_message_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_message_request_id'), ['request_id'], unique=False)
        batch_op.create_index('ix_inbound_message_sender_email_created_at', ['sender_email', 'created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.drop_index('ix_inbound_message_sender_email_created_at')
        batch_op.drop_index(batch_op.f('ix_inbound_message_request_id'))
        batch_op.drop_index(batch_op.f('ix_inbound_message_message_id'))

    op.drop_table('inbound_message')
