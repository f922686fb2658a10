"""Pruning: processed inbox items and finished deliveries once they are older than their retention
periods, and uploads no post took (UNATTACHED_GRACE after the upload, or after the delete that let go
of them).

A finished delivery (sent, or given up) is kept a while so an admin can see what went where; past
that it only grows the table. Pending deliveries are never touched.

Rows, not only bodies, go: a row guards against duplicates only while a sender may still resend
(Mastodon retries for about two to three days, and signatures older than about an hour are
refused), so past a week it protects nothing and would only grow the table. Items still pending
are never touched, nor a Follow that a follower row still names: approving or refusing that
request later embeds the Follow exactly as it was sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select
from sqlmodel import delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.store.states import DeliveryState
from fediart.store.tables import Delivery, Follower, InboxItem, Media

PROCESSED = ("done", "failed")
# As Mastodon: a client uploads, then posts within minutes; a delete-and-redraft re-attaches at once.
UNATTACHED_GRACE = timedelta(hours=24)


async def prune_inbox(session: AsyncSession, received_before: datetime, batch: int = 500) -> int:
    """Delete processed inbox items received before the given time, in batches; returns how many."""
    old = select(InboxItem.id).where(InboxItem.received_at < received_before, InboxItem.state.in_(PROCESSED),
                                     InboxItem.activity_uri.not_in(select(Follower.follow_uri)))
    return await _delete_in_batches(session, InboxItem, old, batch)


async def prune_deliveries(session: AsyncSession, created_before: datetime, batch: int = 500) -> int:
    """Delete sent and given-up deliveries created before the given time, in batches; returns how many."""
    old = select(Delivery.id).where(Delivery.created_at < created_before,
                                    Delivery.state.in_((DeliveryState.SENT, DeliveryState.GAVE_UP)))
    return await _delete_in_batches(session, Delivery, old, batch)


async def _delete_in_batches(session: AsyncSession, model, old: Select, batch: int) -> int:
    """Delete the rows whose ids `old` selects, `batch` per transaction; returns how many."""
    total = 0
    while True:
        # Batches keep each transaction short, so the inbox's inserts never wait long behind us.
        result = await session.exec(delete(model).where(model.id.in_(old.limit(batch).scalar_subquery())))
        await session.commit()
        total += result.rowcount
        if result.rowcount < batch:
            return total


async def prune_unattached_media(session: AsyncSession, created_before: datetime,
                                 batch: int = 500) -> list[Media]:
    """Delete uploads no post took that were made (or let go of) before the given time, in batches.

    Returns the rows actually deleted, for the caller to remove their files
    from disk after the commit: the DELETE repeats `post_id IS NULL`, so an upload a post attached
    meanwhile is neither deleted nor listed.
    """
    gone: list[Media] = []
    while True:
        old = (select(Media.id).where(Media.post_id.is_(None), Media.created_at < created_before)
               .limit(batch))
        result = await session.exec(
            delete(Media).where(Media.id.in_(old.scalar_subquery()), Media.post_id.is_(None),
                                Media.created_at < created_before)
            .returning(Media))
        rows = list(result.scalars().all())
        await session.commit()
        gone += rows
        if len(rows) < batch:
            return gone
