"""Writing an activity and its deliveries: one delivery row per distinct inbox, in the caller's transaction.

Rows are written taking one inbox from each server in turn, so the worker (which claims in row order)
has deliveries to many servers in flight at once rather than a burst to one: no server sees a flood
of parallel connections, and each keeps one warm connection instead of the pool churning.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import chain, zip_longest
from typing import Any

import orjson
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.activitypub.hosts import authority_of
from fediart.store.tables import Account, Delivery, OutboxActivity


async def enqueue(session: AsyncSession, account: Account, activity: dict[str, Any], inboxes: Iterable[str],
                  *, post_id: int | None = None) -> OutboxActivity:
    """Add the activity and a pending delivery per inbox to the session; the caller commits.

    Committing together with the change it announces (the post, the follow) means a crash can
    lose neither one without the other.
    """
    row = OutboxActivity(uri=activity["id"], account_id=account.id, activity_type=str(activity["type"]),
                         post_id=post_id, body=orjson.dumps(activity).decode())
    session.add(row)
    await session.flush()
    for inbox, host in interleaved_by_host(inboxes):
        session.add(Delivery(activity_id=row.id, inbox=inbox, host=host))
    return row


def interleaved_by_host(inboxes: Iterable[str]) -> list[tuple[str, str]]:
    """Distinct inboxes with their hosts, one per host in turn: a1, b1, c1, a2, b2, a3 (sorted within each)."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for inbox in sorted(set(inboxes)):
        by_host[authority_of(inbox)].append(inbox)
    rounds = zip_longest(*([(inbox, host) for inbox in group] for host, group in by_host.items()))
    return [pair for pair in chain.from_iterable(rounds) if pair is not None]
