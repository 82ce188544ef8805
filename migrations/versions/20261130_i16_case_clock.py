"""case clock settings: chase, close, reopen window and escalation thresholds (issue 16)

Revision ID: i16_case_clock
Revises: i16_console
Create Date: 2026-11-30 05:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = "i16_case_clock"
down_revision = "i16_console"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "case_clock_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chase_after_days", sa.Integer(), nullable=False),
        sa.Column("close_after_days", sa.Integer(), nullable=False),
        sa.Column("reopen_within_days", sa.Integer(), nullable=False),
        sa.Column("escalate_minutes", sa.String(length=60), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_case_clock_settings_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_clock_settings")),
    )


def downgrade():
    op.drop_table("case_clock_settings")
