"""Albums: an artist's named, ordered series of their own posts.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "album",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_album_account_id", "album", ["account_id"])
    op.create_table(
        "album_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("album_id", BIG_ID, sa.ForeignKey("album.id"), nullable=False),
        sa.Column("post_id", BIG_ID, sa.ForeignKey("post.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("album_id", "post_id", name="uq_album_item_album_post"),
    )
    op.create_index("ix_album_item_album_id", "album_item", ["album_id"])
    op.create_index("ix_album_item_post_id", "album_item", ["post_id"])


def downgrade() -> None:
    op.drop_table("album_item")
    op.drop_table("album")
