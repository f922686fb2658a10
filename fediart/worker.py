"""The worker: claims due jobs of every registered kind from the database and runs them, each kind bounded.

Runs inside `fediart serve` by default, or alone as `fediart worker`. Work lives in the database,
never only in memory, so a restart loses nothing: unfinished jobs are claimed again once their
lease runs out. The kinds (fediart/jobs/registry.py) say how each is claimed, run and limited;
periodic kinds are asked at their own interval to turn due work into deduplicated jobs.
"""

from __future__ import annotations

import asyncio
import logging
import time

from fediart.inbox.dispatch import process_item
from fediart.jobs.kind import Kind
from fediart.jobs.registry import KINDS
from fediart.jobs.runner import Runner
from fediart.outbox.deliver import JOB_COLUMNS, Activities, Job, deliver_jobs
from fediart.policy.severing import sever_pending
from fediart.services import Services
from fediart.store.queue import claim, claim_rows
from fediart.store.tables import Delivery, InboxItem

log = logging.getLogger("fediart.worker")

DRAIN_SECONDS = 5.0  # after stop, running jobs may finish for this long; the rest go back to their leases


class Worker:
    def __init__(self, services: Services, *, kinds: tuple[Kind, ...] = KINDS) -> None:
        self.services = services
        self.poll = services.config.worker.poll_seconds
        self.finished = asyncio.Event()  # any job of any kind ended: slots are free
        self.runners: list[Runner] = []
        for kind in kinds:
            runner = kind.runner(services, kind)
            runner.finished = self.finished
            self.runners.append(runner)
        self.next_schedule = {kind.name: 0.0 for kind in kinds if kind.schedule}  # monotonic; the first at start

    @property
    def running(self) -> set[asyncio.Task]:
        return {task for runner in self.runners for task in runner.running}

    async def run(self, stop: asyncio.Event) -> None:
        wakeup = self.services.worker_wakeup = asyncio.Event()
        log.info("worker started: %s", ", ".join(f"{r.kind.name} ×{r.concurrency}" for r in self.runners))
        for runner in self.runners:
            await runner.start()
        try:
            while not stop.is_set():
                await self._schedule_due()
                claimed = 0
                for runner in self.runners:
                    claimed += await runner.fill()
                if claimed == 0 or not any(runner.wants_more() for runner in self.runners):
                    if await self._idle(stop, wakeup):
                        for runner in self.runners:
                            runner.wake()
        finally:
            self.services.worker_wakeup = None
            await asyncio.gather(*(runner.drain(DRAIN_SECONDS) for runner in self.runners))
            for runner in self.runners:
                await runner.stop()

    async def _schedule_due(self) -> None:
        """Ask each periodic kind whose interval has passed to add its due jobs (deduplicated in the table)."""
        settings = self.services.config.worker
        for runner in self.runners:
            kind = runner.kind
            if kind.schedule is None or time.monotonic() < self.next_schedule[kind.name]:
                continue
            self.next_schedule[kind.name] = time.monotonic() + kind.check_every(settings)
            try:
                await kind.schedule(self.services)
            except Exception:  # tried again at the next interval; scheduling must never stop the work itself
                log.exception("scheduling %s jobs failed", kind.name)

    async def _idle(self, stop: asyncio.Event, wakeup: asyncio.Event) -> bool:
        """Sleep until new work is announced, a job ends, the poll interval passes, or stop; True if
        new work was announced."""
        self.finished.clear()
        waiters = [asyncio.create_task(e.wait()) for e in (stop, wakeup, self.finished)]
        try:
            await asyncio.wait(waiters, timeout=self.poll, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
        announced = wakeup.is_set()
        wakeup.clear()
        return announced


async def run_due_work(services: Services, *, max_rounds: int = 100) -> int:
    """Process every due inbox item and delivery now, in this task, until none is left; returns how many ran.

    For tests and one-shot commands; the server uses Worker.run. Suspensions are severed first, as
    the severing job would, so what a test blocked is gone before the next delivery.
    """
    total = 0
    lease = services.config.worker.lease_seconds
    activities = Activities()
    await sever_pending(services.sessions)
    for _ in range(max_rounds):
        async with services.sessions() as session:
            item_ids = await claim(session, InboxItem, 100, lease)
        await asyncio.gather(*(process_item(services, item_id) for item_id in item_ids))
        async with services.sessions() as session:
            jobs = [Job(*row) for row in await claim_rows(session, Delivery, 100, lease, JOB_COLUMNS)]
        if jobs:
            await deliver_jobs(services, jobs, activities)
        total += len(item_ids) + len(jobs)
        if not item_ids and not jobs:
            break
    return total
