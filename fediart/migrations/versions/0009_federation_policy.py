"""Federation policy: domain blocks with Mastodon's severities and flags, allows, blocklist subscriptions,
reports, AI-crawler user agents; the licence signals remote actors carry; artists' hidden collections.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "blocklist_subscription",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.String(length=2000), nullable=False, unique=True),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("all_severities", sa.Boolean(), nullable=False),
        sa.Column("last_fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=1000), nullable=False),
        sa.Column("last_good", sa.Text(), nullable=True),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("domain_block") as batch:
        for name in ("reject_media", "reject_reports", "obfuscate"):
            batch.add_column(sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("private_comment", sa.String(length=1000), nullable=False, server_default=""))
        batch.add_column(sa.Column("subscription_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("severed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                                   server_default=sa.func.current_timestamp()))
        batch.create_foreign_key("fk_domain_block_subscription", "blocklist_subscription", ["subscription_id"], ["id"])
        batch.create_index("ix_domain_block_subscription_id", ["subscription_id"])
    # The defaults only filled existing rows; new rows get their values from the application.
    with op.batch_alter_table("domain_block") as batch:
        for name in ("reject_media", "reject_reports", "obfuscate", "private_comment", "updated_at"):
            batch.alter_column(name, server_default=None)
    op.create_table(
        "domain_allow",
        sa.Column("domain", sa.String(length=255), primary_key=True),
        sa.Column("public_comment", sa.String(length=1000), nullable=False),
        sa.Column("private_comment", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "report",
        sa.Column("id", BIG_ID, primary_key=True),
        sa.Column("activity_uri", sa.String(length=2000), nullable=False, unique=True),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("reporter_id", BIG_ID, sa.ForeignKey("actor.id"), nullable=True),
        sa.Column("target_id", BIG_ID, sa.ForeignKey("actor.id"), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("object_uris", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_report_domain", "report", ["domain"])
    op.create_index("ix_report_target_id", "report", ["target_id"])
    op.create_index("ix_report_state", "report", ["state"])
    op.create_table(
        "crawler_agent",
        sa.Column("agent", sa.String(length=200), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("actor") as batch:
        batch.add_column(sa.Column("licence", sa.JSON(), nullable=True))
    with op.batch_alter_table("account") as batch:
        batch.add_column(sa.Column("hide_collections", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("account") as batch:
        batch.alter_column("hide_collections", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("account") as batch:
        batch.drop_column("hide_collections")
    with op.batch_alter_table("actor") as batch:
        batch.drop_column("licence")
    for table in ("crawler_agent", "report", "domain_allow"):
        op.drop_table(table)
    with op.batch_alter_table("domain_block") as batch:
        batch.drop_index("ix_domain_block_subscription_id")
        batch.drop_constraint("fk_domain_block_subscription", type_="foreignkey")
        for name in ("updated_at", "severed_at", "subscription_id", "private_comment", "obfuscate",
                     "reject_reports", "reject_media"):
            batch.drop_column(name)
    op.drop_table("blocklist_subscription")
