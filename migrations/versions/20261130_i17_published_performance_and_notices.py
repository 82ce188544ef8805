"""published charter performance and service notices

Frozen monthly figures with their appended corrections and "You said, we did" notes; service
notices with their dated updates; and an index on ``service_request.promise_met_at``, because
a promise met early counts in the month it was met (CHARTER.md section 9) and the report
selects those by that column.

Revision ID: i17_published
Revises: search_fulltext
Create Date: 2026-11-30 04:56:26.512847

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i17_published'
down_revision = 'search_fulltext'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('published_month',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('schema_version', sa.Integer(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.CheckConstraint('schema_version >= 1', name=op.f('ck_published_month_schema_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_month')),
    sa.UniqueConstraint('month', name=op.f('uq_published_month_month'))
    )
    op.create_table('month_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('you_said', sa.String(length=400), nullable=False),
    sa.Column('we_did', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_month_note_created_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_month_note'))
    )
    with op.batch_alter_table('month_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_month_note_month'), ['month'], unique=False)

    op.create_table('published_correction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('published_id', sa.Integer(), nullable=False),
    sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('made_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['made_by_id'], ['user_account.id'], name=op.f('fk_published_correction_made_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['published_id'], ['published_month.id'], name=op.f('fk_published_correction_published_id_published_month'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_correction'))
    )
    with op.batch_alter_table('published_correction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_correction_published_id'), ['published_id'], unique=False)

    op.create_table('service_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('effect', sa.Text(), nullable=False),
    sa.Column('promises', sa.JSON(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closure_day', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('maintenance', 'outage', 'postal', 'closure', 'other')", name=op.f('ck_service_notice_kind')),
    sa.CheckConstraint('ends_at IS NULL OR ends_at > starts_at', name=op.f('ck_service_notice_ends_after_start')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_service_notice_created_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_notice'))
    )
    with op.batch_alter_table('service_notice', schema=None) as batch_op:
        batch_op.create_index('ix_service_notice_ends_at_starts_at', ['ends_at', 'starts_at'], unique=False)

    op.create_table('notice_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('made_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['made_by_id'], ['user_account.id'], name=op.f('fk_notice_update_made_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['notice_id'], ['service_notice.id'], name=op.f('fk_notice_update_notice_id_service_notice'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_update'))
    )
    with op.batch_alter_table('notice_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_update_notice_id'), ['notice_id'], unique=False)

    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_request_promise_met_at'), ['promise_met_at'], unique=False)



def downgrade():
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_request_promise_met_at'))

    with op.batch_alter_table('notice_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_update_notice_id'))

    op.drop_table('notice_update')
    with op.batch_alter_table('service_notice', schema=None) as batch_op:
        batch_op.drop_index('ix_service_notice_ends_at_starts_at')

    op.drop_table('service_notice')
    with op.batch_alter_table('published_correction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_correction_published_id'))

    op.drop_table('published_correction')
    with op.batch_alter_table('month_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_month_note_month'))

    op.drop_table('month_note')
    op.drop_table('published_month')
