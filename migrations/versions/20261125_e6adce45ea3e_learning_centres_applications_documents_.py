"""learning centres: applications, documents, qualifications, completions

Revision ID: e6adce45ea3e
Revises: 16032997e3eb
Create Date: 2026-11-25 08:53:04.264450

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6adce45ea3e'
down_revision = '16032997e3eb'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('qualification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qualification')),
    sa.UniqueConstraint('code', name=op.f('uq_qualification_code'))
    )
    op.create_table('centre_qualification',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('qualification_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_centre_qualification_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['qualification_id'], ['qualification.id'], name=op.f('fk_centre_qualification_qualification_id_qualification'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('organisation_id', 'qualification_id', name=op.f('pk_centre_qualification'))
    )
    op.create_table('centre_application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('legal_name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('website', sa.String(length=200), nullable=False),
    sa.Column('registration_number', sa.String(length=40), nullable=False),
    sa.Column('head_name', sa.String(length=120), nullable=False),
    sa.Column('head_email', sa.String(length=254), nullable=False),
    sa.Column('head_phone', sa.String(length=40), nullable=False),
    sa.Column('quality_name', sa.String(length=120), nullable=False),
    sa.Column('quality_email', sa.String(length=254), nullable=False),
    sa.Column('quality_phone', sa.String(length=40), nullable=False),
    sa.Column('qa_lead_name', sa.String(length=120), nullable=False),
    sa.Column('assessor_count', sa.Integer(), nullable=True),
    sa.Column('internal_qa', sa.Text(), nullable=False),
    sa.Column('standardisation', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('clock_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('clock_start_reason', sa.Text(), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('policy_version_id', sa.Integer(), nullable=True),
    sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_reasons', sa.Text(), nullable=False),
    sa.CheckConstraint("status = 'draft' OR (received_at IS NOT NULL AND due_at IS NOT NULL)", name=op.f('ck_centre_application_submitted_has_clock')),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'more_info', 'approved', 'declined')", name=op.f('ck_centre_application_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_centre_application_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_centre_application_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_centre_application_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['policy_version_id'], ['policy_version.id'], name=op.f('fk_centre_application_policy_version_id_policy_version'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_application'))
    )
    with op.batch_alter_table('centre_application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_centre_application_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_centre_application_status_due_at', ['status', 'due_at'], unique=False)

    op.create_table('completion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('qualification_id', sa.Integer(), nullable=False),
    sa.Column('learner_name', sa.String(length=120), nullable=False),
    sa.Column('learner_ref', sa.String(length=254), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('assessment_signed_off', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('rejected_reason', sa.Text(), nullable=False),
    sa.Column('signed_off_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('signed_off_by_id', sa.Integer(), nullable=True),
    sa.Column('dispatch_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('policy_version_id', sa.Integer(), nullable=True),
    sa.Column('certificate_number', sa.String(length=20), nullable=True),
    sa.Column('printed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('dispatched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('postage_class', sa.String(length=30), nullable=True),
    sa.Column('tracking_reference', sa.String(length=60), nullable=False),
    sa.Column('arrival_from', sa.Date(), nullable=True),
    sa.Column('arrival_to', sa.Date(), nullable=True),
    sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('return_note', sa.Text(), nullable=False),
    sa.CheckConstraint("status IN ('recorded', 'rejected') OR (signed_off_at IS NOT NULL AND dispatch_due_at IS NOT NULL)", name=op.f('ck_completion_signed_off_has_clock')),
    sa.CheckConstraint("status IN ('recorded', 'rejected', 'signed_off', 'printed', 'dispatched', 'returned')", name=op.f('ck_completion_status')),
    sa.CheckConstraint('assessment_signed_off', name=op.f('ck_completion_assessment_signed_off')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_completion_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['policy_version_id'], ['policy_version.id'], name=op.f('fk_completion_policy_version_id_policy_version'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['qualification_id'], ['qualification.id'], name=op.f('fk_completion_qualification_id_qualification'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_completion_recorded_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['signed_off_by_id'], ['user_account.id'], name=op.f('fk_completion_signed_off_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_completion')),
    sa.UniqueConstraint('certificate_number', name=op.f('uq_completion_certificate_number')),
    sa.UniqueConstraint('organisation_id', 'learner_ref', 'qualification_id', 'completed_on', name='uq_completion_natural_key')
    )
    with op.batch_alter_table('completion', schema=None) as batch_op:
        batch_op.create_index('ix_completion_org_id', ['organisation_id', 'id'], unique=False)
        batch_op.create_index('ix_completion_org_qualification_id', ['organisation_id', 'qualification_id', 'id'], unique=False)
        batch_op.create_index('ix_completion_org_status_id', ['organisation_id', 'status', 'id'], unique=False)
        batch_op.create_index('ix_completion_status_dispatch_due_at', ['status', 'dispatch_due_at'], unique=False)
        batch_op.create_index('ix_completion_status_id', ['status', 'id'], unique=False)

    op.create_table('centre_application_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('submitted', 'info_requested', 'info_provided', 'approved', 'declined')", name=op.f('ck_centre_application_event_kind')),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_centre_application_event_actor_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['application_id'], ['centre_application.id'], name=op.f('fk_centre_application_event_application_id_centre_application'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_application_event'))
    )
    with op.batch_alter_table('centre_application_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_centre_application_event_application_id'), ['application_id'], unique=False)

    op.create_table('centre_application_qualification',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('qualification_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['centre_application.id'], name='fk_centre_app_qual_app', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['qualification_id'], ['qualification.id'], name='fk_centre_app_qual_qual', ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('application_id', 'qualification_id', name=op.f('pk_centre_application_qualification'))
    )
    op.create_table('centre_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['centre_application.id'], name=op.f('fk_centre_document_application_id_centre_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_centre_document_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_centre_document_uploaded_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_document')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_centre_document_stored_name'))
    )
    with op.batch_alter_table('centre_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_centre_document_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_centre_document_organisation_id'), ['organisation_id'], unique=False)



def downgrade():
    with op.batch_alter_table('centre_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_centre_document_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_centre_document_application_id'))

    op.drop_table('centre_document')
    op.drop_table('centre_application_qualification')
    with op.batch_alter_table('centre_application_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_centre_application_event_application_id'))

    op.drop_table('centre_application_event')
    with op.batch_alter_table('completion', schema=None) as batch_op:
        batch_op.drop_index('ix_completion_status_id')
        batch_op.drop_index('ix_completion_status_dispatch_due_at')
        batch_op.drop_index('ix_completion_org_status_id')
        batch_op.drop_index('ix_completion_org_qualification_id')
        batch_op.drop_index('ix_completion_org_id')

    op.drop_table('completion')
    with op.batch_alter_table('centre_application', schema=None) as batch_op:
        batch_op.drop_index('ix_centre_application_status_due_at')
        batch_op.drop_index(batch_op.f('ix_centre_application_organisation_id'))

    op.drop_table('centre_application')
    op.drop_table('centre_qualification')
    op.drop_table('qualification')
