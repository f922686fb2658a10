"""The worker: claims due inbox items and deliveries from the database and runs them, bounded.

Runs inside `fediart serve` by default, or alone as `fediart worker`. Work lives in the database,
never only in memory, so a restart loses nothing: unfinished rows are claimed again once their
lease runs out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from fediart.inbox.dispatch import process_item
from fediart.outbox.deliver import deliver
from fediart.services import Services
from fediart.store.queue import claim
from fediart.store.tables import Delivery, InboxItem

log = logging.getLogger("fediart.worker")

Job = Callable[[Services, int], Awaitable[None]]


class Worker:
    def __init__(self, services: Services) -> None:
        self.services = services
        settings = services.config.worker
        self.concurrency = settings.concurrency
        self.lease = settings.lease_seconds
        self.poll = settings.poll_seconds
        self.running: set[asyncio.Task] = set()
        self.finished = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        wakeup = self.services.worker_wakeup = asyncio.Event()
        log.info("worker started (concurrency %d)", self.concurrency)
        try:
            while not stop.is_set():
                claimed = 0
                for model, job in ((InboxItem, process_item), (Delivery, deliver)):
                    free = self.concurrency - len(self.running)
                    if free > 0:
                        claimed += await self._claim_and_start(model, job, free)
                if claimed == 0 or len(self.running) >= self.concurrency:
                    await self._idle(stop, wakeup)
        finally:
            self.services.worker_wakeup = None
            await self._drain()

    async def _claim_and_start(self, model, job: Job, free: int) -> int:
        try:
            async with self.services.sessions() as session:
                ids = await claim(session, model, free, self.lease)
        except Exception:  # a database hiccup must not kill the worker; try again next round
            log.exception("claiming %s failed", model.__tablename__)
            return 0
        for row_id in ids:
            task = asyncio.create_task(self._run_job(job, row_id))
            self.running.add(task)
            task.add_done_callback(self._done)
        return len(ids)

    async def _run_job(self, job: Job, row_id: int) -> None:
        try:
            await job(self.services, row_id)
        except asyncio.CancelledError:
            raise
        except Exception:  # the job records its own failures; this is the last resort
            log.exception("%s %d failed", job.__name__, row_id)

    def _done(self, task: asyncio.Task) -> None:
        self.running.discard(task)
        self.finished.set()

    async def _idle(self, stop: asyncio.Event, wakeup: asyncio.Event) -> None:
        """Sleep until new work is announced, a job ends, the poll interval passes, or stop."""
        self.finished.clear()
        waiters = [asyncio.create_task(e.wait()) for e in (stop, wakeup, self.finished)]
        try:
            await asyncio.wait(waiters, timeout=self.poll, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
        wakeup.clear()

    async def _drain(self, grace_seconds: float = 5.0) -> None:
        if not self.running:
            return
        done, pending = await asyncio.wait(self.running, timeout=grace_seconds)
        for task in pending:
            task.cancel()  # its lease runs out and another worker (or the next start) redoes it
        if pending:
            await asyncio.wait(pending)


async def run_due_work(services: Services, *, max_rounds: int = 100) -> int:
    """Process everything due now, in this task, until nothing is left; returns how many jobs ran.

    For tests and one-shot commands; the server uses Worker.run.
    """
    total = 0
    for _ in range(max_rounds):
        ran = 0
        for model, job in ((InboxItem, process_item), (Delivery, deliver)):
            async with services.sessions() as session:
                ids = await claim(session, model, 100, services.config.worker.lease_seconds)
            await asyncio.gather(*(job(services, row_id) for row_id in ids))
            ran += len(ids)
        total += ran
        if ran == 0:
            break
    return total
