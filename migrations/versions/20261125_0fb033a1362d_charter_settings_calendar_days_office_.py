"""charter settings: calendar days, office settings, policy versions

Revision ID: 0fb033a1362d
Revises: 9d05bd726f1a
Create Date: 2026-11-25 08:44:53.211123

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0fb033a1362d'
down_revision = '9d05bd726f1a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('closure', 'holiday-added', 'holiday-removed')", name=op.f('ck_calendar_day_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_day')),
    sa.UniqueConstraint('day', 'kind', name=op.f('uq_calendar_day_day_kind'))
    )
    op.create_table('office_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_open', sa.Time(), nullable=False),
    sa.Column('office_close', sa.Time(), nullable=False),
    sa.Column('same_day_cutoff', sa.Time(), nullable=False),
    sa.Column('at_risk_hours', sa.Integer(), nullable=False),
    sa.Column('update_every_days', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_office_settings_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_settings'))
    )
    op.create_table('policy_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('targets', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_policy_version_created_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_version'))
    )


def downgrade():
    op.drop_table('policy_version')
    op.drop_table('office_settings')
    op.drop_table('calendar_day')
