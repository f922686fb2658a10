"""Albums (series): an artist's named, ordered collections of their own posts.

Items point at posts, which are never removed, only tombstoned: queries join on live posts, so a
deleted post drops out of every album without touching album rows (store/albums.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from fediart.store.ids import new_id
from fediart.store.tables import big_ref, snowflake_key, utcnow

TITLE_MAX = 100


class Album(SQLModel, table=True):
    """A series of works ("Herons 2026"), with its title and a description in plain text."""

    id: int | None = Field(default_factory=new_id, sa_column=snowflake_key())
    account_id: int = Field(foreign_key="account.id", index=True)
    title: str = Field(max_length=TITLE_MAX)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class AlbumItem(SQLModel, table=True):
    """One post in one album, at `position` (ascending; gaps allowed, the order is what counts)."""

    __tablename__ = "album_item"
    __table_args__ = (UniqueConstraint("album_id", "post_id", name="uq_album_item_album_post"),)
    id: int | None = Field(default=None, primary_key=True)
    album_id: int = Field(sa_column=big_ref("album.id"))
    post_id: int = Field(sa_column=big_ref("post.id"))
    position: int = 0
    added_at: datetime = Field(default_factory=utcnow)
