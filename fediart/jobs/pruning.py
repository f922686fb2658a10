"""The pruning kind: processed inbox items past [worker] inbox_retention_hours, finished deliveries past
[worker] delivery_retention_hours, uploads no post took, and finished jobs, every [worker] prune_every_minutes across all workers (one job per period, not per worker).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from fediart.jobs.kind import Kind, Progress
from fediart.jobs.table import TableRunner
from fediart.media.store import delete_files
from fediart.services import Services
from fediart.store.jobs import Claimed, enqueue, prune_finished_jobs
from fediart.store.prune import UNATTACHED_GRACE, prune_deliveries, prune_inbox, prune_unattached_media
from fediart.store.queue import backoff_seconds
from fediart.store.states import JobKind, JobState
from fediart.store.tables import utcnow

log = logging.getLogger("fediart.worker")

DEDUPE_KEY = "periodic"
# Done jobs are kept a week for `fediart jobs`; failed ones stay until retried.
DONE_JOB_RETENTION = timedelta(days=7)


async def schedule_pruning(services: Services) -> int:
    """A job unless one was made within the last prune_every_minutes (by this worker or any other)."""
    every = timedelta(minutes=services.config.worker.prune_every_minutes)
    async with services.sessions() as session:
        added = await enqueue(session, JobKind.PRUNING, dedupe_key=DEDUPE_KEY, not_since=utcnow() - every)
        await session.commit()
    return int(added is not None)


async def prune(services: Services, job: Claimed, progress: Progress) -> None:
    """Each step tried even if another fails; any failure fails the attempt, so the job is retried."""
    steps = [("the inbox", prune_old_inbox_items), ("finished deliveries", prune_old_deliveries),
             ("unattached uploads", prune_unattached_uploads),
             ("finished jobs", prune_done_jobs)]
    failed = []
    for what, step in steps:
        try:
            await step(services)
        except Exception:
            log.exception("pruning %s failed", what)
            failed.append(what)
    if failed:
        raise RuntimeError(f"pruning {' and '.join(failed)} failed (see the log)")


async def prune_old_inbox_items(services: Services) -> int:
    """Delete processed inbox items older than [worker] inbox_retention_hours (0 keeps them); returns how many."""
    return await _prune_older_than(services, services.config.worker.inbox_retention_hours, prune_inbox,
                                   "processed inbox items")


async def prune_old_deliveries(services: Services) -> int:
    """Delete sent and given-up deliveries older than [worker] delivery_retention_hours (0 keeps them)."""
    return await _prune_older_than(services, services.config.worker.delivery_retention_hours, prune_deliveries,
                                   "finished deliveries")


async def _prune_older_than(services: Services, hours: float, prune_rows, what: str) -> int:
    if hours <= 0:
        return 0
    async with services.sessions() as session:
        pruned = await prune_rows(session, utcnow() - timedelta(hours=hours))
    if pruned:
        log.info("pruned %d %s older than %g hours", pruned, what, hours)
    return pruned


async def prune_unattached_uploads(services: Services) -> int:
    """Delete uploads (rows and files) that no post took within UNATTACHED_GRACE; returns how many."""
    async with services.sessions() as session:
        gone = await prune_unattached_media(session, utcnow() - UNATTACHED_GRACE)
    await asyncio.to_thread(delete_files, services.storage, gone)  # after the commit: a row a failed commit kept needs its files
    if gone:
        log.info("pruned %d uploads no post took", len(gone))
    return len(gone)


async def prune_done_jobs(services: Services) -> int:
    async with services.sessions() as session:
        return await prune_finished_jobs(session, utcnow() - DONE_JOB_RETENTION)


PRUNING = Kind(
    name=JobKind.PRUNING,
    states=JobState,
    concurrency=lambda settings: 1,
    max_attempts=lambda settings: 3,  # and the next period brings a new job anyway
    backoff=backoff_seconds,
    runner=TableRunner,
    perform=prune,
    schedule=schedule_pruning,
    check_every=lambda settings: min(settings.prune_every_minutes * 60, 60.0),
    about="old processed inbox items and deliveries, unattached uploads and finished jobs deleted",
)
