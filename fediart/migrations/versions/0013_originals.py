"""Protected originals: the full-resolution file apart from the federated rendition, who may fetch it,
and signed download links.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("media") as batch:
        batch.add_column(sa.Column("original_file", sa.String(length=300), nullable=False, server_default=""))
    with op.batch_alter_table("account") as batch:
        batch.add_column(sa.Column("original_access", sa.String(length=16), nullable=False,
                                   server_default="artist"))
    with op.batch_alter_table("post") as batch:
        batch.add_column(sa.Column("original_access", sa.String(length=16), nullable=True))
    op.create_table(
        "download_link",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("media_id", BIG_ID, sa.ForeignKey("media.id"), nullable=False),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_download_link_account_id", "download_link", ["account_id"])
    op.create_index("ix_download_link_media_id", "download_link", ["media_id"])


def downgrade() -> None:
    op.drop_index("ix_download_link_media_id", table_name="download_link")
    op.drop_index("ix_download_link_account_id", table_name="download_link")
    op.drop_table("download_link")
    with op.batch_alter_table("post") as batch:
        batch.drop_column("original_access")
    with op.batch_alter_table("account") as batch:
        batch.drop_column("original_access")
    with op.batch_alter_table("media") as batch:
        batch.drop_column("original_file")
