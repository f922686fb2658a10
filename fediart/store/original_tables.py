"""Signed download links: time-limited addresses of one full-resolution original, issued by its artist.

Only the SHA-256 of the link's secret is stored (as for OAuth tokens): the address is shown once, and a
copy of the database cannot be turned into working links.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from fediart.store.tables import big_ref, utcnow


class DownloadLink(SQLModel, table=True):
    __tablename__ = "download_link"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    media_id: int = Field(sa_column=big_ref("media.id", nullable=False))
    account_id: int = Field(foreign_key="account.id", index=True)
    label: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None
