"""The web studio: an account's role (artist or admin) and an image's display-size rendition.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account") as batch:
        batch.add_column(sa.Column("role", sa.String(length=16), nullable=False, server_default="artist"))
    with op.batch_alter_table("media") as batch:
        # Empty for images stored before this revision: pages then use the file itself.
        batch.add_column(sa.Column("display_file", sa.String(length=300), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("media") as batch:
        batch.drop_column("display_file")
    with op.batch_alter_table("account") as batch:
        batch.drop_column("role")
