"""The delivery kind: activities POSTed to remote inboxes, on the delivery table (the hot path).

Claimed in batches with the columns a delivery needs (JOB_COLUMNS); a batch's activities and host
policy are loaded once (context_for); results are written in batched flushes every flush_seconds,
so a fan-out costs a few database round trips per batch, not several per inbox.
"""

from __future__ import annotations

import asyncio
import logging

from fediart.jobs.kind import Kind
from fediart.jobs.runner import Runner
from fediart.outbox.deliver import JOB_COLUMNS, Activities, Job, Prepared, Result, context_for, record, send
from fediart.services import Services
from fediart.store.queue import backoff_seconds, claim_rows
from fediart.store.states import DeliveryState, JobKind
from fediart.store.tables import Delivery

log = logging.getLogger("fediart.worker")

FLUSH_SECONDS = 0.05


class DeliveryRunner(Runner):
    def __init__(self, services: Services, kind: Kind, flush_seconds: float = FLUSH_SECONDS) -> None:
        super().__init__(services, kind)
        # A fan-out is thousands of quick jobs: one batch claimed ahead keeps every slot busy.
        self.prefetch = self.concurrency
        self.flush_seconds = flush_seconds
        self.activities = Activities()
        self.results: list[Result] = []
        self.have_results = asyncio.Event()
        self.flushing = asyncio.Lock()
        self.flusher: asyncio.Task | None = None

    async def claim(self, limit: int):
        async with self.services.writes(), self.services.sessions() as session:
            jobs = [Job(*row) for row in await claim_rows(session, Delivery, limit, self.lease, JOB_COLUMNS)]
        if not jobs:
            return []
        try:
            prepared, refused = await context_for(self.services, jobs, self.activities)
        except Exception:  # the leases run out and the rows are claimed again
            log.exception("loading %d deliveries failed", len(jobs))
            return []
        started = []
        for job in jobs:
            if job.activity_id in prepared:
                started.append(self._sender(job, prepared[job.activity_id], refused.get(job.host)))
            else:  # its activity was deleted meanwhile: nothing to send, ever
                self._keep(Result(job, "gave_up", error="the activity no longer exists"))
        return started

    def _sender(self, job: Job, prepared: Prepared, host_refused: str | None):
        async def deliver() -> None:
            try:
                result = await send(self.services, job, prepared, host_refused)
            except asyncio.CancelledError:
                raise
            except Exception:  # send() turns network trouble into results; this is the last resort
                log.exception("delivery %d failed", job.id)
                return
            self._keep(result)
        return deliver

    def _keep(self, result: Result) -> None:
        self.results.append(result)
        self.have_results.set()

    async def start(self) -> None:
        self.flusher = asyncio.create_task(self._flush_loop())

    async def stop(self) -> None:
        if self.flusher is not None:
            async with self.flushing:  # never cancel the flusher halfway through a write
                self.flusher.cancel()
            await asyncio.gather(self.flusher, return_exceptions=True)
        await self.flush()

    async def _flush_loop(self) -> None:
        while True:
            await self.have_results.wait()
            await asyncio.sleep(self.flush_seconds)  # let a batch gather
            await self.flush()

    async def flush(self) -> None:
        async with self.flushing:
            self.have_results.clear()
            batch, self.results = self.results, []
            if not batch:
                return
            try:
                await record(self.services, batch)
            except Exception:  # keep them for the next flush; if that never comes, the leases run out
                log.exception("recording %d delivery results failed", len(batch))
                self.results[:0] = batch
                self.have_results.set()


# record() applies these (outbox/deliver.py); declared here so `fediart jobs` and the docs say them once.
DELIVERY = Kind(
    name=JobKind.DELIVERY,
    states=DeliveryState,
    concurrency=lambda settings: settings.concurrency,
    max_attempts=lambda settings: settings.max_delivery_attempts,
    backoff=backoff_seconds,
    runner=DeliveryRunner,
    table=Delivery,
    about="activities POSTed to remote inboxes",
)
