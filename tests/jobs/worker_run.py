"""Test support: run real Workers until a condition holds, and read the job table."""

from __future__ import annotations

import asyncio
import contextlib

from sqlmodel import select

from fediart.store.job_tables import Job
from fediart.worker import Worker


async def wait_for(condition, seconds: float = 15.0, what: str = "the worker") -> None:
    for _ in range(int(seconds / 0.02)):
        if await condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{what} did not get there in time")


@contextlib.asynccontextmanager
async def running_workers(services, count: int = 1, **options):
    """`count` Workers on the same database, stopped (and drained) on leaving."""
    stop = asyncio.Event()
    workers = [Worker(services, **options) for _ in range(count)]
    tasks = [asyncio.create_task(worker.run(stop)) for worker in workers]
    try:
        yield workers
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=15)


async def jobs(services, *where) -> list[Job]:
    async with services.sessions() as session:
        return list((await session.exec(select(Job).where(*where).order_by(Job.id))).all())
