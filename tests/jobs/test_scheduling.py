"""Scheduling periodic work as jobs: two schedulers (workers, processes) asking for the same work make one
pending job; pruning comes once per period across all workers; severing only when a suspension waits."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from helpers import make_config
from inbox.activities import rows
from jobs.worker_run import jobs, running_workers, wait_for
from sqlmodel import update

from fediart.actions.domain_blocks import BlockOptions, add_block
from fediart.jobs.blocklists import schedule_blocklist_refreshes
from fediart.jobs.pruning import schedule_pruning
from fediart.jobs.severing import schedule_severing
from fediart.store.db import make_engine, make_sessionmaker
from fediart.store.job_tables import Job
from fediart.store.jobs import enqueue
from fediart.store.policy_tables import BlocklistSubscription, DomainBlock
from fediart.store.states import JobKind, JobState
from fediart.store.tables import utcnow

LIST = "https://lists.example/blocks.txt"


@pytest.fixture
async def config(database_settings, tmp_path):
    return make_config(database_settings, tmp_path, worker={"poll_seconds": 0.02})


async def test_concurrent_schedulers_make_one_pending_job(services, migrated):
    # Separate engines: separate connections racing, as two processes would (a real race on PostgreSQL).
    engines = [make_engine(migrated) for _ in range(4)]

    async def schedule(engine) -> list[int | None]:
        sessions, made = make_sessionmaker(engine), []
        for _ in range(5):
            async with sessions() as session:
                made.append(await enqueue(session, JobKind.SEVERING, dedupe_key="same work"))
                await session.commit()
            await asyncio.sleep(0)
        return made

    try:
        made = await asyncio.gather(*(schedule(engine) for engine in engines))
    finally:
        for engine in engines:
            await engine.dispose()
    created = [job_id for batch in made for job_id in batch if job_id is not None]
    assert len(created) == 1
    assert [(j.id, j.state) for j in await jobs(services)] == [(created[0], JobState.PENDING)]


async def test_a_finished_job_does_not_block_the_next_one_with_its_key(services):
    async with services.sessions() as session:
        first = await enqueue(session, JobKind.SEVERING, dedupe_key="k")
        await session.exec(update(Job).where(Job.id == first).values(state=JobState.DONE))
        second = await enqueue(session, JobKind.SEVERING, dedupe_key="k")
        third = await enqueue(session, JobKind.SEVERING, dedupe_key="k")
        unkeyed = [await enqueue(session, JobKind.SEVERING) for _ in range(2)]  # no key: never deduplicated
        await session.commit()
    assert first and second and second != first and third is None and None not in unkeyed


async def test_two_workers_due_the_same_blocklist_refresh_make_one_job_and_one_download(services, network):
    network.responses[LIST] = lambda request: httpx.Response(200, text="spam.example\n")
    async with services.sessions() as session:
        session.add(BlocklistSubscription(url=LIST, format="plain"))
        await session.commit()
    assert await asyncio.gather(schedule_blocklist_refreshes(services), schedule_blocklist_refreshes(services)) \
        in ([1, 0], [0, 1])
    async with running_workers(services, count=2):
        await wait_for(lambda: _done(services, JobKind.BLOCKLIST_REFRESH))
        await asyncio.sleep(0.2)  # both workers have scheduled at least once more by now
    assert [(j.kind, j.state) for j in await jobs(services, Job.kind == JobKind.BLOCKLIST_REFRESH)] \
        == [(JobKind.BLOCKLIST_REFRESH, JobState.DONE)]
    assert [str(r.url) for r in network.gets if str(r.url) == LIST] == [LIST]
    assert [r.domain for r in await rows(services, DomainBlock)] == ["spam.example"]
    assert await schedule_blocklist_refreshes(services) == 0  # fetched a moment ago: not due


async def test_pruning_is_scheduled_once_per_period_whoever_asks(services):
    assert await schedule_pruning(services) == 1
    assert await schedule_pruning(services) == 0  # pending
    async with services.sessions() as session:
        await session.exec(update(Job).values(state=JobState.DONE, finished_at=utcnow()))
        await session.commit()
    assert await schedule_pruning(services) == 0  # done, but within [worker] prune_every_minutes
    async with services.sessions() as session:  # an hour on
        await session.exec(update(Job).values(created_at=utcnow() - timedelta(minutes=61)))
        await session.commit()
    assert await schedule_pruning(services) == 1


async def test_severing_is_scheduled_only_while_a_suspension_waits(services):
    assert await schedule_severing(services) == 0  # nothing suspended: no job, nothing written
    await add_block(services.sessions, "bad.example", BlockOptions(severity="suspend"))
    assert await schedule_severing(services) == 1
    assert await schedule_severing(services) == 0  # one pending already
    async with running_workers(services):
        await wait_for(lambda: _done(services, JobKind.SEVERING))
    [rule] = await rows(services, DomainBlock)
    assert rule.severed_at is not None
    assert await schedule_severing(services) == 0


async def _done(services, kind: str) -> bool:
    found = await jobs(services, Job.kind == kind)
    return bool(found) and all(j.state == JobState.DONE for j in found)
