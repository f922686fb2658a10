"""Media files are looked up by name when served: index both names.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_media_file", "media", ["file"])
    op.create_index("ix_media_thumbnail_file", "media", ["thumbnail_file"])


def downgrade() -> None:
    op.drop_index("ix_media_thumbnail_file", table_name="media")
    op.drop_index("ix_media_file", table_name="media")
