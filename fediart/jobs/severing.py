"""The severing kind: a suspended domain's follows ended and its stored content removed (policy/severing.py).

Scheduled whenever a suspension is not yet severed, looked for as often as domain rules are reread.
"""

from __future__ import annotations

from sqlmodel import select

from fediart.jobs.kind import Kind, Progress
from fediart.jobs.table import TableRunner
from fediart.policy.severing import sever_pending
from fediart.store.jobs import Claimed, enqueue
from fediart.store.policy_tables import DomainBlock
from fediart.store.queue import backoff_seconds
from fediart.store.states import DomainSeverity, JobKind, JobState

DEDUPE_KEY = "suspensions"  # one job severs every pending suspension


async def schedule_severing(services) -> int:
    """A job when some suspension is not yet severed and none is pending; one indexed query otherwise."""
    async with services.sessions() as session:
        unsevered = (await session.exec(select(DomainBlock.domain).where(
            DomainBlock.severity == DomainSeverity.SUSPEND, DomainBlock.severed_at.is_(None)).limit(1))).first()
        if unsevered is None:
            return 0
        added = await enqueue(session, JobKind.SEVERING, dedupe_key=DEDUPE_KEY)
        await session.commit()
    return int(added is not None)


async def sever(services, job: Claimed, progress: Progress) -> None:
    await sever_pending(services.sessions)


SEVERING = Kind(
    name=JobKind.SEVERING,
    states=JobState,
    concurrency=lambda settings: 1,  # one job severs every pending domain
    max_attempts=lambda settings: 5,
    backoff=backoff_seconds,
    runner=TableRunner,
    perform=sever,
    schedule=schedule_severing,
    check_every=lambda settings: 5.0,  # as often as domain rules are reread
    about="suspended domains severed: follows ended, stored content removed",
)
