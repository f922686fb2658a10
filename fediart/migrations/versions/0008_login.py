"""Passwords and sign-in for the web side and the OAuth authorization flow.

Artists get a password hash (argon2id); browsers get server-side login sessions (the cookie holds a random
id, the table its hash); OAuth authorization codes are kept hashed until redeemed once; failed logins are
rows, so the throttle holds across processes and restarts.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account") as batch:
        batch.add_column(sa.Column("password_hash", sa.String(length=200), nullable=True))
    op.create_table(
        "oauth_code",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("app_id", sa.Integer(), sa.ForeignKey("oauth_app.id"), nullable=False),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("redirect_uri", sa.String(length=2000), nullable=False),
        sa.Column("scopes", sa.String(length=1000), nullable=False),
        sa.Column("code_challenge", sa.String(length=128), nullable=True),
        sa.Column("code_challenge_method", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("token_id", sa.Integer(), sa.ForeignKey("oauth_token.id"), nullable=True),
    )
    op.create_index("ix_oauth_code_code_hash", "oauth_code", ["code_hash"], unique=True)
    op.create_index("ix_oauth_code_app_id", "oauth_code", ["app_id"])
    op.create_index("ix_oauth_code_account_id", "oauth_code", ["account_id"])
    op.create_table(
        "login_session",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_login_session_session_hash", "login_session", ["session_hash"], unique=True)
    op.create_index("ix_login_session_account_id", "login_session", ["account_id"])
    op.create_index("ix_login_session_expires_at", "login_session", ["expires_at"])
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    for column in ("username", "address", "created_at"):
        op.create_index(f"ix_login_attempt_{column}", "login_attempt", [column])


def downgrade() -> None:
    for table in ("login_attempt", "login_session", "oauth_code"):
        op.drop_table(table)
    with op.batch_alter_table("account") as batch:
        batch.drop_column("password_hash")
