"""Local accounts: artists and the instance actor.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("avatar_file", sa.String(length=200), nullable=True),
        sa.Column("header_file", sa.String(length=200), nullable=True),
        sa.Column("private_key_pem", sa.Text(), nullable=False),
        sa.Column("public_key_pem", sa.Text(), nullable=False),
        sa.Column("manually_approves_followers", sa.Boolean(), nullable=False),
        sa.Column("discoverable", sa.Boolean(), nullable=False),
        sa.Column("indexable", sa.Boolean(), nullable=False),
        sa.Column("licence_key", sa.String(length=64), nullable=False),
        sa.Column("ai_training_reserved", sa.Boolean(), nullable=False),
        sa.Column("generative_only", sa.Boolean(), nullable=False),
        sa.Column("search_indexing", sa.Boolean(), nullable=False),
        sa.Column("acquire_licence_url", sa.String(length=2000), nullable=True),
        sa.Column("copyright_holder", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_account_username", "account", ["username"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_account_username", table_name="account")
    op.drop_table("account")
