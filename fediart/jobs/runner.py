"""Running one kind's jobs inside one worker: claim up to its concurrency, run each as a task, drain at stop.

A kind may claim ahead (`prefetch`): jobs claimed beyond the free slots wait here, leased, and start
the moment a slot frees, so a busy kind keeps every slot full without a database round trip per
refill, and claims in fewer, larger batches.

A subclass says how its kind is claimed (`claim`, which returns one coroutine function per claimed
job, to run as a task); `start` and `stop` hold anything it keeps beside the tasks (the deliveries'
batched result writer).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from fediart.jobs.kind import Kind
from fediart.services import Services

log = logging.getLogger("fediart.worker")


class Runner:
    prefetch = 0  # jobs a kind may hold claimed beyond its free slots (see the module docstring)

    def __init__(self, services: Services, kind: Kind) -> None:
        self.services = services
        self.kind = kind
        settings = services.config.worker
        self.concurrency = kind.concurrency(settings)
        self.lease = settings.lease_seconds
        # Claim when a quarter of the slots are free, not on every finished job: fewer, larger claims.
        self.claim_at = max(1, self.concurrency // 4)
        self.poll = settings.poll_seconds
        # After a claim that found nothing, this kind is not asked again before the next poll (or a
        # wakeup): every ended job wakes the loop, and a claim is a write transaction.
        self.rest_until = 0.0
        self.running: set[asyncio.Task] = set()
        # Claimed ahead, with when: one that waited past half its lease is dropped, not run, since
        # another worker may take it once the lease runs out.
        self.ready: deque[tuple[float, Callable[[], Awaitable[Any]]]] = deque()
        self.finished: asyncio.Event = asyncio.Event()  # the worker replaces it with its own, shared by all kinds

    def free(self) -> int:
        return self.concurrency - len(self.running)

    def room(self) -> int:
        """How many more this kind would hold: free slots plus what it may claim ahead, less what waits."""
        return self.free() + self.prefetch - len(self.ready)

    def wants_more(self) -> bool:
        return self.room() >= self.claim_at and time.monotonic() >= self.rest_until

    def wake(self) -> None:
        """New work was announced: ask at the next round, rested or not."""
        self.rest_until = 0.0

    async def fill(self) -> int:
        """Start jobs claimed ahead, then claim as many as there is room for and start what fits;
        returns how many were claimed."""
        self._start_ready()
        if not self.wants_more():
            return 0
        try:
            claimed = await self.claim(self.room())
        except Exception:  # a database hiccup must not kill the worker; try again at the next poll
            log.exception("claiming %s jobs failed", self.kind.name)
            claimed = []
        if not claimed:
            self.rest_until = time.monotonic() + self.poll
        now = time.monotonic()
        self.ready.extend((now, job) for job in claimed)
        self._start_ready()
        return len(claimed)

    def _start_ready(self) -> None:
        while self.ready and self.free() > 0:
            claimed_at, job = self.ready.popleft()
            if time.monotonic() - claimed_at > self.lease / 2:
                continue  # its lease may run out while it runs; it will be claimed again
            self._start(job)

    async def claim(self, limit: int) -> list[Callable[[], Awaitable[Any]]]:
        """Lease up to `limit` due jobs; returns one coroutine function per job to run."""
        raise NotImplementedError

    async def start(self) -> None:
        """Start what the kind keeps beside its jobs (nothing unless overridden)."""

    async def stop(self) -> None:
        """After the drain: finish what the kind keeps beside its jobs."""

    def _start(self, job: Callable[[], Awaitable[Any]]) -> None:
        task = asyncio.create_task(self._guarded(job))
        self.running.add(task)
        task.add_done_callback(self._done)

    async def _guarded(self, job: Callable[[], Awaitable[Any]]) -> None:
        try:
            await job()
        except asyncio.CancelledError:
            raise
        except Exception:  # each kind records its own failures; this is the last resort
            log.exception("a %s job failed", self.kind.name)

    def _done(self, task: asyncio.Task) -> None:
        self.running.discard(task)
        self._start_ready()  # a freed slot takes the next claimed job at once
        self.finished.set()

    async def drain(self, grace_seconds: float) -> None:
        """Let running jobs finish for a while, then cancel the rest (their leases run out and they are redone)."""
        self.ready.clear()  # claimed but not started: their leases run out and they are claimed again
        if not self.running:
            return
        _, pending = await asyncio.wait(self.running, timeout=grace_seconds)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
