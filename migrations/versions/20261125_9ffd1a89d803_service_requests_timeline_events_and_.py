"""service requests, timeline events and attachments

Revision ID: 9ffd1a89d803
Revises: 0fb033a1362d
Create Date: 2026-11-25 08:49:42.370593

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '9ffd1a89d803'
down_revision = '0fb033a1362d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('service_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('promise_code', sa.String(length=30), nullable=False),
    sa.Column('policy_version_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=True),
    sa.Column('requester_name', sa.String(length=120), nullable=False),
    sa.Column('requester_email', sa.String(length=254), nullable=False),
    sa.Column('requester_phone', sa.String(length=40), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('clock_started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('clock_start_reason', sa.String(length=400), nullable=True),
    sa.Column('response_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_reply_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('promise_met_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolution_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolution_state', sa.String(length=10), nullable=True),
    sa.Column('next_update_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('waiting_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_first_time', sa.Boolean(), nullable=True),
    sa.Column('satisfaction_rating', sa.Integer(), nullable=True),
    sa.Column('satisfaction_comment', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('private_token_hash', sa.String(length=64), nullable=True),
    sa.Column('submission_key', sa.String(length=64), nullable=True),
    sa.CheckConstraint("channel IN ('web', 'email', 'phone', 'letter', 'social')", name=op.f('ck_service_request_channel')),
    sa.CheckConstraint("kind IN ('query', 'complaint', 'callback', 'feedback', 'membership-application', 'membership-upgrade', 'employer-support', 'centre-support')", name=op.f('ck_service_request_kind')),
    sa.CheckConstraint("resolution_state IS NULL OR resolution_state IN ('proposed', 'accepted', 'discuss')", name=op.f('ck_service_request_resolution_state')),
    sa.CheckConstraint("status IN ('received', 'with_team', 'waiting_customer', 'answered', 'resolved', 'closed')", name=op.f('ck_service_request_status')),
    sa.CheckConstraint('satisfaction_rating IS NULL OR satisfaction_rating BETWEEN 1 AND 5', name=op.f('ck_service_request_satisfaction_rating')),
    sa.ForeignKeyConstraint(['assignee_id'], ['user_account.id'], name=op.f('fk_service_request_assignee_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_service_request_organisation_id_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['policy_version_id'], ['policy_version.id'], name=op.f('fk_service_request_policy_version_id_policy_version'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['requester_id'], ['user_account.id'], name=op.f('fk_service_request_requester_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_request')),
    sa.UniqueConstraint('private_token_hash', name=op.f('uq_service_request_private_token_hash')),
    sa.UniqueConstraint('reference', name=op.f('uq_service_request_reference')),
    sa.UniqueConstraint('requester_email', 'submission_key', name=op.f('uq_service_request_requester_email_submission_key'))
    )
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_request_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_requester_id'), ['requester_id'], unique=False)
        batch_op.create_index('ix_service_request_status_response_due_at', ['status', 'response_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_updated_at'), ['updated_at'], unique=False)

    op.create_table('request_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('is_internal', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind IN ('submitted', 'customer_reply', 'staff_reply', 'internal_note', 'status_changed', 'assigned', 'resolution_proposed', 'resolution_accepted', 'resolution_discuss', 'redated', 'paused', 'resumed', 'callback_recorded', 'resolved', 'closed', 'rated')", name=op.f('ck_request_event_kind')),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_request_event_actor_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['service_request.id'], name=op.f('fk_request_event_request_id_service_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_event'))
    )
    with op.batch_alter_table('request_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_event_request_id'), ['request_id'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['request_event.id'], name=op.f('fk_attachment_event_id_request_event'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['service_request.id'], name=op.f('fk_attachment_request_id_service_request'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_attachment_uploaded_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_attachment_stored_name'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_request_id'), ['request_id'], unique=False)


def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_request_id'))
        batch_op.drop_index(batch_op.f('ix_attachment_event_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('request_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_event_request_id'))

    op.drop_table('request_event')
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_request_updated_at'))
        batch_op.drop_index('ix_service_request_status_response_due_at')
        batch_op.drop_index(batch_op.f('ix_service_request_requester_id'))
        batch_op.drop_index(batch_op.f('ix_service_request_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_service_request_assignee_id'))

    op.drop_table('service_request')
