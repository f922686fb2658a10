"""Claiming work from the database: due deliveries and inbox items, each under a time-limited lease.

On PostgreSQL several workers claim with FOR UPDATE SKIP LOCKED, so no row is handed out twice;
SQLite serialises writers, so the same UPDATE … RETURNING is safe there without it. A lease that
runs out (its worker died) makes the row claimable again: at-least-once, nothing lost on restart.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Row, or_, select, text, update
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.store.tables import PENDING_ONLY, Delivery, InboxItem, utcnow


async def claim_rows(session: AsyncSession, model: type[Delivery] | type[InboxItem], limit: int,
                     lease_seconds: float, columns: Sequence[str] = ("id",),
                     now: datetime | None = None) -> list[Row]:
    """Lease up to `limit` due rows of `model` and return the named columns of each, oldest first.

    Returning what the job needs with the claim saves the worker a read per row.
    """
    now = now or utcnow()
    table = model.__table__
    due = (
        select(table.c.id)
        .where(text(PENDING_ONLY), table.c.retry_at <= now,  # literal: it selects the partial due index
               or_(table.c.claimed_until.is_(None), table.c.claimed_until < now))
        .order_by(table.c.retry_at, table.c.id)
        .limit(limit)
    )
    if session.bind.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    statement = (
        update(table)
        .where(table.c.id.in_(due.scalar_subquery()))
        .values(claimed_until=now + timedelta(seconds=lease_seconds))
        .returning(*(table.c[name] for name in columns))
    )
    rows = list((await session.exec(statement)).all())
    await session.commit()
    # RETURNING comes in no particular order; ids grow with age among rows due together.
    return sorted(rows, key=lambda row: row.id) if "id" in columns else rows


async def claim(session: AsyncSession, model: type[Delivery] | type[InboxItem], limit: int,
                lease_seconds: float, now: datetime | None = None) -> list[int]:
    """Lease up to `limit` due rows of `model`; returns their ids, oldest first."""
    return [row.id for row in await claim_rows(session, model, limit, lease_seconds, ("id",), now)]


def backoff_seconds(attempts: int) -> float:
    """Mastodon's schedule: attempts⁴ + 15 s; 16 attempts span about two days."""
    return attempts**4 + 15.0
