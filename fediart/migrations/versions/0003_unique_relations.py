"""One follow, block or interaction per pair: enforced by the database, not only by the handlers.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_CONSTRAINTS = [
    ("follower", "uq_follower_account_actor", ["account_id", "actor_id"]),
    ("following", "uq_following_account_actor", ["account_id", "actor_id"]),
    ("remote_block", "uq_remote_block_account_actor", ["account_id", "actor_id"]),
    ("interaction", "uq_interaction_kind_post_actor", ["kind", "post_id", "actor_id"]),
]


def upgrade() -> None:
    for table, name, columns in _CONSTRAINTS:
        with op.batch_alter_table(table) as batch:  # SQLite rebuilds the table; PostgreSQL alters it
            batch.create_unique_constraint(name, columns)


def downgrade() -> None:
    for table, name, _ in _CONSTRAINTS:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(name, type_="unique")
