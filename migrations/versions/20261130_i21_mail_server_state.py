"""mail server state: whether the sender can reach the mail server, since when

Revision ID: i21_mail_state
Revises: i17_published
Create Date: 2026-11-30 05:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = "i21_mail_state"
down_revision = "i17_published"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mail_server_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unreachable_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_reached_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_server_state")),
    )


def downgrade():
    op.drop_table("mail_server_state")
