"""staff queue: next due instant on each request, and reusable replies

Revision ID: 884eead4be59
Revises: 54e1f914afea
Create Date: 2026-11-25 09:10:16.885778

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '884eead4be59'
down_revision = '54e1f914afea'
branch_labels = None
depends_on = None

OPEN = "status IN ('received', 'with_team', 'waiting_customer', 'answered')"
# Promises met by a decision, which pause while waiting for the customer (CHARTER.md §5).
DECISION_PROMISES = ('membership-application', 'membership-upgrade', 'centre-approval',
                     'certificate')


def _next_due(row):
    """Frozen copy of portal.requests.services.next_due for rows already stored."""
    waiting = row.status == 'waiting_customer'
    candidates = []
    if row.promise_met_at is None and not (waiting and row.promise_code in DECISION_PROMISES):
        candidates.append(row.response_due_at)
    if not waiting:
        candidates += [d for d in (row.resolution_due_at, row.next_update_due_at) if d]
    return min(candidates) if candidates else None


def upgrade():
    op.create_table('reusable_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('query', 'complaint', 'callback', 'feedback', 'membership-application', 'membership-upgrade', 'employer-support', 'centre-support')", name=op.f('ck_reusable_reply_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reusable_reply'))
    )
    with op.batch_alter_table('reusable_reply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reusable_reply_kind'), ['kind'], unique=False)

    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_service_request_queue', ['next_due_at', 'id'], unique=False,
                              postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))

    # Requests already open get their next due instant, computed as the services will.
    table = sa.table(
        'service_request', sa.column('id', sa.Integer), sa.column('status', sa.String),
        sa.column('promise_code', sa.String), sa.column('promise_met_at', sa.DateTime(timezone=True)),
        sa.column('response_due_at', sa.DateTime(timezone=True)),
        sa.column('resolution_due_at', sa.DateTime(timezone=True)),
        sa.column('next_update_due_at', sa.DateTime(timezone=True)),
        sa.column('next_due_at', sa.DateTime(timezone=True)),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(table).where(sa.text(OPEN))).all()
    for row in rows:
        bind.execute(table.update().where(table.c.id == row.id)
                     .values(next_due_at=_next_due(row)))


def downgrade():
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.drop_index('ix_service_request_queue', postgresql_where=sa.text(OPEN),
                            sqlite_where=sa.text(OPEN))
        batch_op.drop_column('next_due_at')

    with op.batch_alter_table('reusable_reply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reusable_reply_kind'))

    op.drop_table('reusable_reply')
