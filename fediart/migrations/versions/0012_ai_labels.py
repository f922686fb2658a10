"""Honest AI labels: how each image was made (IPTC digital source type) and an account's filter.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("media") as batch:
        # The IPTC digital source type URL; "" when neither the file nor the artist said.
        batch.add_column(sa.Column("digital_source_type", sa.String(length=200), nullable=False,
                                   server_default=""))
    with op.batch_alter_table("account") as batch:
        batch.add_column(sa.Column("hide_ai_media", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("account") as batch:
        batch.drop_column("hide_ai_media")
    with op.batch_alter_table("media") as batch:
        batch.drop_column("digital_source_type")
