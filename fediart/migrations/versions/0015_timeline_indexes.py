"""Indexes the client API's timelines read by: local replies by the post they answer (reply counts,
threads), and interactions by kind in id order (boosts newest first in the home timeline).

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_post_in_reply_to", "post", ["in_reply_to"])
    op.create_index("ix_interaction_kind_id", "interaction", ["kind", "id"])


def downgrade() -> None:
    op.drop_index("ix_interaction_kind_id", table_name="interaction")
    op.drop_index("ix_post_in_reply_to", table_name="post")
