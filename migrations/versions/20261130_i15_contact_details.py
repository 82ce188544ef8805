"""the organisation's contact details

One row an administrator edits: the phone number, email address and postal address every
page's footer shows beside the link to the contact form.

Revision ID: i15_contact
Revises: i21_mail_state
Create Date: 2026-11-30 05:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "i15_contact"
down_revision = "i21_mail_state"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "contact_details",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("postal_address", sa.String(length=500), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_contact_details_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_details")),
    )


def downgrade():
    op.drop_table("contact_details")
