"""staff console: teams, saved views, escalation alerts and merged duplicates (issue 16)

Revision ID: i16_console
Revises: i20_quality
Create Date: 2026-11-30 05:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = "i16_console"
down_revision = "i20_quality"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "staff_profile",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("team", sa.String(length=20), nullable=True),
        sa.Column("is_team_lead", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_staff_profile_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_staff_profile")),
    )
    op.create_index(op.f("ix_staff_profile_team"), "staff_profile", ["team"], unique=False)
    op.create_table(
        "saved_view",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("address", sa.String(length=600), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_saved_view_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_view")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_saved_view_user_id_name")),
    )
    op.create_index(op.f("ix_saved_view_user_id"), "saved_view", ["user_id"], unique=False)
    op.create_table(
        "staff_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("threshold_minutes", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["service_request.id"],
                                name=op.f("fk_staff_alert_request_id_service_request"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_staff_alert_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_alert")),
        sa.UniqueConstraint("request_id", "due_at", "threshold_minutes", "user_id",
                            name=op.f("uq_staff_alert_request_id_due_at_threshold_minutes_user_id")),
    )
    op.create_index(op.f("ix_staff_alert_request_id"), "staff_alert", ["request_id"])
    op.create_index(op.f("ix_staff_alert_user_id"), "staff_alert", ["user_id"])
    op.create_table(
        "request_merge",
        sa.Column("duplicate_id", sa.Integer(), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=False),
        sa.Column("merged_by_id", sa.Integer(), nullable=True),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["duplicate_id"], ["service_request.id"],
                                name=op.f("fk_request_merge_duplicate_id_service_request"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["merged_into_id"], ["service_request.id"],
                                name=op.f("fk_request_merge_merged_into_id_service_request"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["merged_by_id"], ["user_account.id"],
                                name=op.f("fk_request_merge_merged_by_id_user_account"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("duplicate_id", name=op.f("pk_request_merge")),
    )
    op.create_index(op.f("ix_request_merge_merged_into_id"), "request_merge",
                    ["merged_into_id"])


def downgrade():
    op.drop_table("request_merge")
    op.drop_table("staff_alert")
    op.drop_table("saved_view")
    op.drop_table("staff_profile")
