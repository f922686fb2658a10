"""The generic job table: blocklist refreshes, severing, pruning and media migrations as named job kinds.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

PENDING_ONLY = sa.text("state = 'pending'")


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("retry_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=1000), nullable=False),
        sa.Column("progress_done", sa.Integer(), nullable=True),
        sa.Column("progress_total", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_job_due", "job", ["kind", "state", "retry_at"])
    # Partial, so finished jobs never block a new one with the same key.
    op.create_index("ix_job_pending_dedupe", "job", ["kind", "dedupe_key"], unique=True,
                    sqlite_where=PENDING_ONLY, postgresql_where=PENDING_ONLY)


def downgrade() -> None:
    op.drop_index("ix_job_pending_dedupe", table_name="job")
    op.drop_index("ix_job_due", table_name="job")
    op.drop_table("job")
