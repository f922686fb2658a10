"""Groundwork for the client API: one actor table, time-sortable 64-bit ids, and the rows clients need.

`remote_actor` becomes `actor`; a row with `account_id` set is one of our artists, so follows, likes,
mentions and notifications between two artists of this instance are stored like any other. Actors,
posts, remote posts, media and notifications take Mastodon-style ids (store/ids.py), which need 64 bits
on PostgreSQL; SQLite's INTEGER already has them. Rows made before this keep their small ids, which sort
before every new one.

Likes and boosts may now be of remote posts (and a boost is a status with its own id); remote posts keep
what a timeline shows (visibility, attachments, tags, licence); posts can be pinned and keep their edit
history; mentions are rows (who may see a post); artists keep bookmarks, blocks and mutes, read markers and Idempotency-Keys; client apps
and their access tokens (stored hashed) are registered.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# (table, column) pairs that hold a snowflake id or point at one.
BIG_COLUMNS = [
    ("actor", "id"), ("post", "id"), ("media", "id"), ("remote_post", "id"), ("notification", "id"), ("interaction", "id"),
    ("follower", "actor_id"), ("following", "actor_id"), ("remote_post", "actor_id"),
    ("interaction", "actor_id"), ("interaction", "post_id"), ("notification", "actor_id"),
    ("notification", "post_id"), ("notification", "remote_post_id"), ("remote_block", "actor_id"),
    ("media", "post_id"), ("outbox_activity", "post_id"),
]
SNOWFLAKE_TABLES = ["actor", "post", "media", "remote_post", "notification", "interaction"]


def _big() -> sa.types.TypeEngine:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    _actor_table()
    _new_columns()
    _new_tables()


def _actor_table() -> None:
    op.rename_table("remote_actor", "actor")
    for column, unique in (("domain", False), ("key_id", False), ("uri", True)):
        op.drop_index(f"ix_remote_actor_{column}", table_name="actor")
        op.create_index(f"ix_actor_{column}", "actor", [column], unique=unique)
    with op.batch_alter_table("actor") as batch:
        batch.add_column(sa.Column("account_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_actor_account_id", "account", ["account_id"], ["id"])
    op.create_index("ix_actor_account_id", "actor", ["account_id"], unique=True)
    if op.get_bind().dialect.name == "postgresql":
        for table, column in BIG_COLUMNS:
            op.alter_column(table, column, type_=sa.BigInteger(), existing_nullable=column != "id")
        # New rows take their id from store/ids.py; a sequence would hand out colliding small ones.
        for table in SNOWFLAKE_TABLES:
            op.alter_column(table, "id", server_default=None)


def _new_columns() -> None:
    with op.batch_alter_table("interaction") as batch:
        batch.alter_column("post_id", existing_type=_big(), nullable=True)
        batch.add_column(sa.Column("remote_post_id", _big(), nullable=True))
        batch.create_foreign_key("fk_interaction_remote_post_id", "remote_post", ["remote_post_id"], ["id"])
        batch.create_index("ix_interaction_remote_post_id", ["remote_post_id"])
        batch.create_unique_constraint("uq_interaction_kind_remote_post_actor", ["kind", "remote_post_id", "actor_id"])
    with op.batch_alter_table("remote_post") as batch:
        batch.add_column(sa.Column("visibility", sa.String(length=16), nullable=False, server_default="public"))
        batch.add_column(sa.Column("sensitive", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("language", sa.String(length=35), nullable=True))
        for name in ("attachments", "tags", "mentions"):
            batch.add_column(sa.Column(name, sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("licence", sa.JSON(), nullable=True))
    with op.batch_alter_table("post") as batch:
        batch.add_column(sa.Column("pinned_at", sa.DateTime(timezone=True), nullable=True))


def _new_tables() -> None:
    op.create_table(
        "post_edit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("post_id", _big(), sa.ForeignKey("post.id"), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("summary", sa.String(length=1000), nullable=False),
        sa.Column("sensitive", sa.Boolean(), nullable=False),
        sa.Column("media", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_post_edit_post_id", "post_edit", ["post_id"])
    op.create_table(
        "mention",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("post_id", _big(), sa.ForeignKey("post.id"), nullable=True),
        sa.Column("remote_post_id", _big(), sa.ForeignKey("remote_post.id"), nullable=True),
        sa.Column("actor_id", _big(), sa.ForeignKey("actor.id"), nullable=False),
        sa.UniqueConstraint("post_id", "actor_id", name="uq_mention_post_actor"),
        sa.UniqueConstraint("remote_post_id", "actor_id", name="uq_mention_remote_post_actor"),
    )
    for column in ("post_id", "remote_post_id", "actor_id"):
        op.create_index(f"ix_mention_{column}", "mention", [column])
    op.create_table(
        "bookmark",
        sa.Column("id", _big(), primary_key=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("post_id", _big(), sa.ForeignKey("post.id"), nullable=True),
        sa.Column("remote_post_id", _big(), sa.ForeignKey("remote_post.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("account_id", "post_id", name="uq_bookmark_account_post"),
        sa.UniqueConstraint("account_id", "remote_post_id", name="uq_bookmark_account_remote_post"),
    )
    op.create_index("ix_bookmark_account_id", "bookmark", ["account_id"])
    op.create_table(
        "actor_restriction",
        sa.Column("id", _big(), primary_key=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("actor_id", _big(), sa.ForeignKey("actor.id"), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("activity_uri", sa.String(length=2000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("account_id", "actor_id", "kind", name="uq_restriction_account_actor_kind"),
    )
    op.create_index("ix_actor_restriction_account_id", "actor_restriction", ["account_id"])
    op.create_index("ix_actor_restriction_actor_id", "actor_restriction", ["actor_id"])
    op.create_table(
        "marker",
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), primary_key=True),
        sa.Column("timeline", sa.String(length=16), primary_key=True),
        sa.Column("last_read_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "idempotency_key",
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), primary_key=True),
        sa.Column("key", sa.String(length=200), primary_key=True),
        sa.Column("post_id", _big(), sa.ForeignKey("post.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_idempotency_key_created_at", "idempotency_key", ["created_at"])
    op.create_table(
        "oauth_app",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("website", sa.String(length=2000), nullable=True),
        sa.Column("redirect_uris", sa.JSON(), nullable=False),
        sa.Column("scopes", sa.String(length=1000), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("client_secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_oauth_app_client_id", "oauth_app", ["client_id"], unique=True)
    op.create_table(
        "oauth_token",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("refresh_hash", sa.String(length=64), nullable=True),
        sa.Column("app_id", sa.Integer(), sa.ForeignKey("oauth_app.id"), nullable=False),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=True),
        sa.Column("scopes", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_oauth_token_token_hash", "oauth_token", ["token_hash"], unique=True)
    op.create_index("ix_oauth_token_refresh_hash", "oauth_token", ["refresh_hash"], unique=True)
    op.create_index("ix_oauth_token_app_id", "oauth_token", ["app_id"])
    op.create_index("ix_oauth_token_account_id", "oauth_token", ["account_id"])


def downgrade() -> None:
    for table in ("oauth_token", "oauth_app", "idempotency_key", "marker", "actor_restriction", "bookmark", "mention", "post_edit"):
        op.drop_table(table)
    with op.batch_alter_table("post") as batch:
        batch.drop_column("pinned_at")
    with op.batch_alter_table("remote_post") as batch:
        for name in ("visibility", "sensitive", "language", "attachments", "tags", "mentions", "licence"):
            batch.drop_column(name)
    with op.batch_alter_table("interaction") as batch:
        batch.drop_constraint("uq_interaction_kind_remote_post_actor", type_="unique")
        batch.drop_index("ix_interaction_remote_post_id")
        batch.drop_constraint("fk_interaction_remote_post_id", type_="foreignkey")
        batch.drop_column("remote_post_id")
    op.drop_index("ix_actor_account_id", table_name="actor")
    with op.batch_alter_table("actor") as batch:
        batch.drop_constraint("fk_actor_account_id", type_="foreignkey")
        batch.drop_column("account_id")
    for column, unique in (("domain", False), ("key_id", False), ("uri", True)):
        op.drop_index(f"ix_actor_{column}", table_name="actor")
        op.create_index(f"ix_remote_actor_{column}", "actor", [column], unique=unique)
    op.rename_table("actor", "remote_actor")
