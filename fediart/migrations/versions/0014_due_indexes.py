"""Claims read a partial index of pending rows, so finished deliveries and inbox items cost them nothing.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

PENDING_ONLY = sa.text("state = 'pending'")


def upgrade() -> None:
    for table in ("delivery", "inbox_item"):
        op.drop_index(f"ix_{table}_retry_at", table_name=table)
        op.create_index(f"ix_{table}_due", table, ["retry_at", "id"], unique=False,
                        sqlite_where=PENDING_ONLY, postgresql_where=PENDING_ONLY)


def downgrade() -> None:
    for table in ("delivery", "inbox_item"):
        op.drop_index(f"ix_{table}_due", table_name=table)
        op.create_index(f"ix_{table}_retry_at", table, ["retry_at"], unique=False)
