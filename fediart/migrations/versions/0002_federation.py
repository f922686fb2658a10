"""Federation: remote actors, follows, posts and media, outbox and deliveries, inbox, notifications.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('domain_block',
    sa.Column('domain', sa.String(length=255), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('public_comment', sa.String(length=1000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('domain')
    )
    op.create_table('remote_actor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uri', sa.String(length=2000), nullable=False),
    sa.Column('domain', sa.String(length=255), nullable=False),
    sa.Column('actor_type', sa.String(length=32), nullable=False),
    sa.Column('username', sa.String(length=255), nullable=False),
    sa.Column('display_name', sa.String(length=500), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('icon_url', sa.String(length=2000), nullable=True),
    sa.Column('inbox', sa.String(length=2000), nullable=False),
    sa.Column('shared_inbox', sa.String(length=2000), nullable=True),
    sa.Column('followers_url', sa.String(length=2000), nullable=True),
    sa.Column('key_id', sa.String(length=2000), nullable=False),
    sa.Column('public_key_pem', sa.Text(), nullable=False),
    sa.Column('moved_to', sa.String(length=2000), nullable=True),
    sa.Column('gone', sa.Boolean(), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_remote_actor_domain'), 'remote_actor', ['domain'], unique=False)
    op.create_index(op.f('ix_remote_actor_key_id'), 'remote_actor', ['key_id'], unique=False)
    op.create_index(op.f('ix_remote_actor_uri'), 'remote_actor', ['uri'], unique=True)
    op.create_table('tombstone',
    sa.Column('uri', sa.String(length=2000), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('uri')
    )
    op.create_table('unavailable_host',
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('failure_days', sa.JSON(), nullable=False),
    sa.Column('unavailable_since', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('host')
    )
    op.create_table('follower',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('follow_uri', sa.String(length=2000), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ),
    sa.ForeignKeyConstraint(['actor_id'], ['remote_actor.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_follower_account_id'), 'follower', ['account_id'], unique=False)
    op.create_index(op.f('ix_follower_actor_id'), 'follower', ['actor_id'], unique=False)
    op.create_table('following',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('follow_uri', sa.String(length=2000), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ),
    sa.ForeignKeyConstraint(['actor_id'], ['remote_actor.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('follow_uri')
    )
    op.create_index(op.f('ix_following_account_id'), 'following', ['account_id'], unique=False)
    op.create_index(op.f('ix_following_actor_id'), 'following', ['actor_id'], unique=False)
    op.create_table('inbox_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_uri', sa.String(length=2000), nullable=False),
    sa.Column('activity_type', sa.String(length=64), nullable=False),
    sa.Column('actor_uri', sa.String(length=2000), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('retry_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=1000), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('activity_uri')
    )
    op.create_index(op.f('ix_inbox_item_retry_at'), 'inbox_item', ['retry_at'], unique=False)
    op.create_index(op.f('ix_inbox_item_state'), 'inbox_item', ['state'], unique=False)
    op.create_table('post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('summary', sa.String(length=1000), nullable=False),
    sa.Column('sensitive', sa.Boolean(), nullable=False),
    sa.Column('visibility', sa.String(length=16), nullable=False),
    sa.Column('in_reply_to', sa.String(length=2000), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('licence_key', sa.String(length=64), nullable=True),
    sa.Column('published', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_post_account_id'), 'post', ['account_id'], unique=False)
    op.create_table('remote_block',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('activity_uri', sa.String(length=2000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ),
    sa.ForeignKeyConstraint(['actor_id'], ['remote_actor.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('activity_uri')
    )
    op.create_index(op.f('ix_remote_block_account_id'), 'remote_block', ['account_id'], unique=False)
    op.create_table('remote_post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uri', sa.String(length=2000), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('summary', sa.String(length=1000), nullable=False),
    sa.Column('in_reply_to', sa.String(length=2000), nullable=True),
    sa.Column('published', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['remote_actor.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('uri')
    )
    op.create_index(op.f('ix_remote_post_actor_id'), 'remote_post', ['actor_id'], unique=False)
    op.create_index(op.f('ix_remote_post_in_reply_to'), 'remote_post', ['in_reply_to'], unique=False)
    op.create_table('interaction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('activity_uri', sa.String(length=2000), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['remote_actor.id'], ),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('activity_uri')
    )
    op.create_index(op.f('ix_interaction_actor_id'), 'interaction', ['actor_id'], unique=False)
    op.create_index(op.f('ix_interaction_post_id'), 'interaction', ['post_id'], unique=False)
    op.create_table('media',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('file', sa.String(length=300), nullable=False),
    sa.Column('thumbnail_file', sa.String(length=300), nullable=False),
    sa.Column('media_type', sa.String(length=64), nullable=False),
    sa.Column('thumbnail_media_type', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('blurhash', sa.String(length=100), nullable=False),
    sa.Column('focal_x', sa.Float(), nullable=False),
    sa.Column('focal_y', sa.Float(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_media_account_id'), 'media', ['account_id'], unique=False)
    op.create_index(op.f('ix_media_post_id'), 'media', ['post_id'], unique=False)
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('remote_post_id', sa.Integer(), nullable=True),
    sa.Column('activity_uri', sa.String(length=2000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ),
    sa.ForeignKeyConstraint(['actor_id'], ['remote_actor.id'], ),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], ),
    sa.ForeignKeyConstraint(['remote_post_id'], ['remote_post.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_notification_account_id'), 'notification', ['account_id'], unique=False)
    op.create_table('outbox_activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uri', sa.String(length=2000), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('activity_type', sa.String(length=32), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('uri')
    )
    op.create_index(op.f('ix_outbox_activity_account_id'), 'outbox_activity', ['account_id'], unique=False)
    op.create_index(op.f('ix_outbox_activity_post_id'), 'outbox_activity', ['post_id'], unique=False)
    op.create_table('delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('inbox', sa.String(length=2000), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('retry_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_status', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.String(length=1000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['outbox_activity.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_delivery_activity_id'), 'delivery', ['activity_id'], unique=False)
    op.create_index(op.f('ix_delivery_host'), 'delivery', ['host'], unique=False)
    op.create_index(op.f('ix_delivery_retry_at'), 'delivery', ['retry_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_delivery_retry_at'), table_name='delivery')
    op.drop_index(op.f('ix_delivery_host'), table_name='delivery')
    op.drop_index(op.f('ix_delivery_activity_id'), table_name='delivery')
    op.drop_table('delivery')
    op.drop_index(op.f('ix_outbox_activity_post_id'), table_name='outbox_activity')
    op.drop_index(op.f('ix_outbox_activity_account_id'), table_name='outbox_activity')
    op.drop_table('outbox_activity')
    op.drop_index(op.f('ix_notification_account_id'), table_name='notification')
    op.drop_table('notification')
    op.drop_index(op.f('ix_media_post_id'), table_name='media')
    op.drop_index(op.f('ix_media_account_id'), table_name='media')
    op.drop_table('media')
    op.drop_index(op.f('ix_interaction_post_id'), table_name='interaction')
    op.drop_index(op.f('ix_interaction_actor_id'), table_name='interaction')
    op.drop_table('interaction')
    op.drop_index(op.f('ix_remote_post_in_reply_to'), table_name='remote_post')
    op.drop_index(op.f('ix_remote_post_actor_id'), table_name='remote_post')
    op.drop_table('remote_post')
    op.drop_index(op.f('ix_remote_block_account_id'), table_name='remote_block')
    op.drop_table('remote_block')
    op.drop_index(op.f('ix_post_account_id'), table_name='post')
    op.drop_table('post')
    op.drop_index(op.f('ix_inbox_item_state'), table_name='inbox_item')
    op.drop_index(op.f('ix_inbox_item_retry_at'), table_name='inbox_item')
    op.drop_table('inbox_item')
    op.drop_index(op.f('ix_following_actor_id'), table_name='following')
    op.drop_index(op.f('ix_following_account_id'), table_name='following')
    op.drop_table('following')
    op.drop_index(op.f('ix_follower_actor_id'), table_name='follower')
    op.drop_index(op.f('ix_follower_account_id'), table_name='follower')
    op.drop_table('follower')
    op.drop_table('unavailable_host')
    op.drop_table('tombstone')
    op.drop_index(op.f('ix_remote_actor_uri'), table_name='remote_actor')
    op.drop_index(op.f('ix_remote_actor_key_id'), table_name='remote_actor')
    op.drop_index(op.f('ix_remote_actor_domain'), table_name='remote_actor')
    op.drop_table('remote_actor')
    op.drop_table('domain_block')
