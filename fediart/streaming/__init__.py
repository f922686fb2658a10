"""Mastodon's WebSocket streaming API: live timeline updates and notifications for connected clients."""
