"""outbox leases attachments headers, news subscriptions, worker lease

Revision ID: 0a0db55f23d3
Revises: e6adce45ea3e
Create Date: 2026-11-25 08:48:20.866742

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0a0db55f23d3'
down_revision = 'e6adce45ea3e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('worker_lease',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=False),
    sa.Column('acquired_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_worker_lease'))
    )
    op.create_table('news_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('recipient_count', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("topic IN ('events', 'support', 'content')", name=op.f('ck_news_item_topic')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_news_item_created_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_news_item'))
    )
    op.create_table('news_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("topic IN ('events', 'support', 'content')", name=op.f('ck_news_subscription_topic')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_news_subscription_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_news_subscription')),
    sa.UniqueConstraint('user_id', 'topic', name=op.f('uq_news_subscription_user_id_topic'))
    )
    # Existing rows get an empty list/dict; the default is then dropped, as the models set it.
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachments', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('headers', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('request_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('lease_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_message_request_id'), ['request_id'], unique=False)
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_status'), type_='check')
        batch_op.create_check_constraint(
            'status', "status IN ('pending', 'sending', 'sent', 'failed')"
        )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.alter_column('attachments', server_default=None)
        batch_op.alter_column('headers', server_default=None)

def downgrade():
    op.execute("UPDATE outbox_message SET status = 'pending' WHERE status = 'sending'")
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_status'), type_='check')
        batch_op.create_check_constraint('status', "status IN ('pending', 'sent', 'failed')")
        batch_op.drop_index(batch_op.f('ix_outbox_message_request_id'))
        batch_op.drop_column('lease_expires_at')
        batch_op.drop_column('request_id')
        batch_op.drop_column('headers')
        batch_op.drop_column('attachments')

    op.drop_table('news_subscription')
    op.drop_table('news_item')
    op.drop_table('worker_lease')
