"""The media migration kind: `fediart media migrate --to … --background` handed to a worker.

The copy is the CLI's (media/migration.py): verified and resumable, so a retry, or another worker
taking over from one that died, skips what already arrived. Its progress is written to the job's
row, where `fediart jobs` reads it.
"""

from __future__ import annotations

import logging

from fediart.actions.errors import ActionError
from fediart.config import ConfigError
from fediart.jobs.kind import GiveUp, Kind, Progress
from fediart.jobs.table import TableRunner
from fediart.media.migration import migrate_storage, migration_target
from fediart.store.jobs import Claimed, enqueue, pending_with_key
from fediart.store.queue import backoff_seconds
from fediart.store.states import JobKind, JobState

log = logging.getLogger("fediart.media")

DEDUPE_KEY = "storage"  # one migration at a time, whichever way


async def queue_media_migration(sessions, to: str) -> int:
    """Add a media migration job; ActionError (409) while one is already pending."""
    async with sessions() as session:
        job_id = await enqueue(session, JobKind.MEDIA_MIGRATION, {"to": to}, dedupe_key=DEDUPE_KEY)
        await session.commit()
        if job_id is not None:
            return job_id
        queued = await pending_with_key(session, JobKind.MEDIA_MIGRATION, DEDUPE_KEY)
    which = f"job {queued.id}, to {queued.payload.get('to')}" if queued else "another job"
    raise ActionError(f"a media migration is already queued or running ({which}); `fediart jobs` shows it", 409)


async def migrate_media(services, job: Claimed, progress: Progress) -> None:
    to = job.payload.get("to", "")
    try:
        migration_target(services.config, to)
    except (ActionError, ConfigError) as exc:  # this worker's config cannot do it: retrying will not help
        raise GiveUp(str(exc)) from None
    done = await migrate_storage(services, to, progress)
    log.info("media migration job %d: copied %d objects to %s (%d were already there); all %d verified",
             job.id, done.copied, to, done.already, done.total)


MEDIA_MIGRATION = Kind(
    name=JobKind.MEDIA_MIGRATION,
    states=JobState,
    concurrency=lambda settings: 1,
    max_attempts=lambda settings: 5,
    backoff=backoff_seconds,
    runner=TableRunner,
    perform=migrate_media,
    about="every stored media object copied to the other backend (`fediart media migrate --background`)",
)
