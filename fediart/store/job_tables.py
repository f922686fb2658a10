"""The generic job table: the worker's work that is neither a delivery nor an inbox item.

Deliveries and inbox items keep their own tables (the hot path, with their own columns and indexes);
blocklist refreshes, severing, pruning and media migrations are rows here, told apart by `kind`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel

from fediart.store.tables import utcnow

# One pending job per (kind, dedupe_key): two schedulers asking for the same work make one row.
PENDING_ONLY = text("state = 'pending'")


class Job(SQLModel, table=True):
    """One piece of background work: pending until done, retried with its kind's backoff, or failed."""

    __tablename__ = "job"
    __table_args__ = (
        Index("ix_job_due", "kind", "state", "retry_at"),
        Index("ix_job_pending_dedupe", "kind", "dedupe_key", unique=True,
              sqlite_where=PENDING_ONLY, postgresql_where=PENDING_ONLY),
    )
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)  # JobKind
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    dedupe_key: str | None = Field(default=None, max_length=200)
    state: str = Field(default="pending", max_length=16)  # JobState
    attempts: int = 0
    retry_at: datetime = Field(default_factory=utcnow)
    claimed_until: datetime | None = None  # a worker's lease, renewed while it runs; expired: claimable again
    last_error: str = Field(default="", max_length=1000)
    progress_done: int | None = None  # for long jobs (a media migration): how far it got
    progress_total: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
