"""The blocklist refresh kind: one job per subscribed list that is due ([federation] blocklist_refresh_hours).

A failed download is not a failed job: the subscription keeps its last good copy and records the
error (`fediart block subscriptions` shows it), and the list is tried again when next due.
"""

from __future__ import annotations

import logging

from fediart.actions.blocklist_subscriptions import due_subscriptions, refresh
from fediart.jobs.kind import Kind, Progress
from fediart.jobs.table import TableRunner
from fediart.store.jobs import Claimed, enqueue
from fediart.store.policy_tables import BlocklistSubscription
from fediart.store.queue import backoff_seconds
from fediart.store.states import JobKind, JobState

log = logging.getLogger("fediart.policy")


async def schedule_blocklist_refreshes(services) -> int:
    """A pending job for each due list that has none yet."""
    due = await due_subscriptions(services)
    if not due:
        return 0
    added = 0
    async with services.sessions() as session:
        for subscription in due:
            job_id = await enqueue(session, JobKind.BLOCKLIST_REFRESH, {"subscription_id": subscription.id},
                                   dedupe_key=str(subscription.id))
            added += job_id is not None
        await session.commit()
    return added


async def refresh_blocklist(services, job: Claimed, progress: Progress) -> None:
    async with services.sessions() as session:
        subscription = await session.get(BlocklistSubscription, job.payload["subscription_id"])
    if subscription is None:  # unsubscribed meanwhile: nothing left to do
        log.info("blocklist refresh job %d: the subscription is gone", job.id)
        return
    [result], reconciled = await refresh(services, [subscription])
    if result.error:
        log.warning("blocklist %s: %s (its last good copy still applies)", subscription.url, result.error)
    log.info("blocklist %s refreshed: %s", subscription.url, reconciled)


BLOCKLIST_REFRESH = Kind(
    name=JobKind.BLOCKLIST_REFRESH,
    states=JobState,
    concurrency=lambda settings: 1,  # lists are reconciled together: one at a time keeps that simple
    max_attempts=lambda settings: 3,
    backoff=backoff_seconds,
    runner=TableRunner,
    perform=refresh_blocklist,
    schedule=schedule_blocklist_refreshes,
    check_every=lambda settings: 60.0,
    about="subscribed blocklists downloaded and applied when due",
)
