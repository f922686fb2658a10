"""Inbox items are pruned by age: index received_at so pruning reads only the old rows.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_inbox_item_received_at", "inbox_item", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_inbox_item_received_at", table_name="inbox_item")
