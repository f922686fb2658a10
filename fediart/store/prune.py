"""Pruning the inbox: processed items are deleted once they are older than the retention period.

Rows, not only bodies, go: a row guards against duplicates only while a sender may still resend
(Mastodon retries for about two to three days, and signatures older than about an hour are
refused), so past a week it protects nothing and would only grow the table. Items still pending
are never touched, nor a Follow that a follower row still names: approving or refusing that
request later embeds the Follow exactly as it was sent.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.store.tables import Follower, InboxItem

PROCESSED = ("done", "failed")


async def prune_inbox(session: AsyncSession, received_before: datetime, batch: int = 500) -> int:
    """Delete processed inbox items received before the given time, in batches; returns how many."""
    total = 0
    while True:
        old = (select(InboxItem.id)
               .where(InboxItem.received_at < received_before, InboxItem.state.in_(PROCESSED),
                      InboxItem.activity_uri.not_in(select(Follower.follow_uri)))
               .limit(batch))
        # Batches keep each transaction short, so the inbox's inserts never wait long behind us.
        result = await session.exec(delete(InboxItem).where(InboxItem.id.in_(old.scalar_subquery())))
        await session.commit()
        total += result.rowcount
        if result.rowcount < batch:
            return total
