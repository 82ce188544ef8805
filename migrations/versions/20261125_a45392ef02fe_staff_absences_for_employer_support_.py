"""staff absences for employer support cover

Revision ID: a45392ef02fe
Revises: 9ffd1a89d803
Create Date: 2026-11-25 08:51:13.872879

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a45392ef02fe'
down_revision = '9ffd1a89d803'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('staff_absence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_staff_absence_ends_after_start')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_staff_absence_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_absence'))
    )
    with op.batch_alter_table('staff_absence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_absence_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('staff_absence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_absence_user_id'))

    op.drop_table('staff_absence')
