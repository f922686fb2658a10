"""Running one kind's jobs inside one worker: claim up to its concurrency, run each as a task, drain at stop.

A subclass says how its kind is claimed (`claim`) and how one claimed job runs (`run`); `start` and
`stop` hold anything it keeps beside the tasks (the deliveries' batched result writer).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fediart.jobs.kind import Kind
from fediart.services import Services

log = logging.getLogger("fediart.worker")


class Runner:
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
        self.finished: asyncio.Event = asyncio.Event()  # the worker replaces it with its own, shared by all kinds

    def free(self) -> int:
        return self.concurrency - len(self.running)

    def wants_more(self) -> bool:
        return self.free() >= self.claim_at and time.monotonic() >= self.rest_until

    def wake(self) -> None:
        """New work was announced: ask at the next round, rested or not."""
        self.rest_until = 0.0

    async def fill(self) -> int:
        """Claim as many due jobs as there are free slots and start them; returns how many were claimed."""
        if not self.wants_more():
            return 0
        try:
            started = await self.claim(self.free())
        except Exception:  # a database hiccup must not kill the worker; try again at the next poll
            log.exception("claiming %s jobs failed", self.kind.name)
            started = []
        if not started:
            self.rest_until = time.monotonic() + self.poll
        for job in started:
            self._start(job)
        return len(started)

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
        self.finished.set()

    async def drain(self, grace_seconds: float) -> None:
        """Let running jobs finish for a while, then cancel the rest (their leases run out and they are redone)."""
        if not self.running:
            return
        _, pending = await asyncio.wait(self.running, timeout=grace_seconds)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
