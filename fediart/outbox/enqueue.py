"""Writing an activity and its deliveries: one delivery row per distinct inbox, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
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
    for inbox in sorted(set(inboxes)):
        session.add(Delivery(activity_id=row.id, inbox=inbox, host=authority_of(inbox)))
    return row
