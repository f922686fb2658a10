"""The tables. Rows hold fields only; conversion to ActivityStreams or HTML lives elsewhere."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Aware UTC to the second (ActivityStreams dates carry no fractions)."""
    return datetime.now(UTC).replace(microsecond=0)


class Account(SQLModel, table=True):
    """A local actor: an artist (kind "person") or the instance actor (kind "instance")."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(index=True, unique=True, max_length=64)
    kind: str = Field(default="person", max_length=16)
    display_name: str = Field(default="", max_length=200)
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    fields: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    avatar_file: str | None = Field(default=None, max_length=200)
    header_file: str | None = Field(default=None, max_length=200)
    private_key_pem: str = Field(sa_column=Column(Text, nullable=False))
    public_key_pem: str = Field(sa_column=Column(Text, nullable=False))
    manually_approves_followers: bool = False
    discoverable: bool = True
    indexable: bool = False
    # Licence choices; the pages and documents that explain them are derived from these.
    licence_key: str = Field(default="all-rights-reserved", max_length=64)
    ai_training_reserved: bool = True
    generative_only: bool = False
    search_indexing: bool = False
    acquire_licence_url: str | None = Field(default=None, max_length=2000)
    copyright_holder: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
