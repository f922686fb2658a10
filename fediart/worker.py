"""The worker: claims due inbox items and deliveries from the database and runs them, bounded.

Runs inside `fediart serve` by default, or alone as `fediart worker`. Work lives in the database,
never only in memory, so a restart loses nothing: unfinished rows are claimed again once their
lease runs out. Deliveries are claimed in batches and their results written in batches (every
flush_seconds), so a fan-out costs a few database round trips per batch, not several per inbox.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

from fediart.actions.blocklist_subscriptions import refresh_due
from fediart.inbox.dispatch import process_item
from fediart.outbox.deliver import (JOB_COLUMNS, Activities, Job, Prepared, Result, context_for, deliver_jobs,
                                    record, send)
from fediart.policy.severing import sever_pending
from fediart.services import Services
from fediart.media.store import delete_files
from fediart.store.prune import UNATTACHED_GRACE, prune_inbox, prune_unattached_media
from fediart.store.queue import claim, claim_rows
from fediart.store.tables import Delivery, InboxItem, utcnow

log = logging.getLogger("fediart.worker")


class Worker:
    def __init__(self, services: Services, *, flush_seconds: float = 0.05) -> None:
        self.services = services
        settings = services.config.worker
        self.concurrency = settings.concurrency
        self.lease = settings.lease_seconds
        self.poll = settings.poll_seconds
        # Claim when a quarter of the slots are free, not on every finished job: fewer, larger claims.
        self.claim_at = max(1, self.concurrency // 4)
        self.flush_seconds = flush_seconds
        self.running: set[asyncio.Task] = set()
        self.finished = asyncio.Event()
        self.activities = Activities()
        self.results: list[Result] = []
        self.have_results = asyncio.Event()
        self.flushing = asyncio.Lock()
        self.next_prune = 0.0  # monotonic time of the next pruning; the first comes at start
        self.next_sever = 0.0  # monotonic time of the next look for newly suspended domains
        self.blocklists: asyncio.Task | None = None  # a refresh of subscribed blocklists, while one runs
        self.next_blocklist_check = 0.0

    async def run(self, stop: asyncio.Event) -> None:
        wakeup = self.services.worker_wakeup = asyncio.Event()
        log.info("worker started (concurrency %d)", self.concurrency)
        flusher = asyncio.create_task(self._flush_loop())
        try:
            while not stop.is_set():
                await self._prune_when_due()
                await self._sever_when_due()
                self._refresh_blocklists_when_due()
                claimed = await self._claim_inbox_items() + await self._claim_deliveries()
                if claimed == 0 or self._free() < self.claim_at:
                    await self._idle(stop, wakeup)
        finally:
            self.services.worker_wakeup = None
            if self.blocklists is not None:
                self.blocklists.cancel()
                await asyncio.gather(self.blocklists, return_exceptions=True)
            await self._drain()
            async with self.flushing:  # never cancel the flusher halfway through a write
                flusher.cancel()
            await asyncio.gather(flusher, return_exceptions=True)
            await self._flush()

    def _free(self) -> int:
        return self.concurrency - len(self.running)

    async def _claim(self, model, columns: tuple[str, ...]) -> list:
        free = self._free()
        if free < self.claim_at:
            return []
        try:
            async with self.services.sessions() as session:
                return await claim_rows(session, model, free, self.lease, columns)
        except Exception:  # a database hiccup must not kill the worker; try again next round
            log.exception("claiming %s failed", model.__tablename__)
            return []

    async def _claim_inbox_items(self) -> int:
        rows = await self._claim(InboxItem, ("id",))
        for row in rows:
            self._start(self._process(row.id))
        return len(rows)

    async def _claim_deliveries(self) -> int:
        jobs = [Job(*row) for row in await self._claim(Delivery, JOB_COLUMNS)]
        if not jobs:
            return 0
        try:
            prepared, refused = await context_for(self.services, jobs, self.activities)
        except Exception:  # the leases run out and the rows are claimed again
            log.exception("loading %d deliveries failed", len(jobs))
            return 0
        for job in jobs:
            if job.activity_id in prepared:
                self._start(self._deliver(job, prepared[job.activity_id], refused.get(job.host)))
            else:  # its activity was deleted meanwhile: nothing to send, ever
                self.results.append(Result(job, "gave_up", error="the activity no longer exists"))
                self.have_results.set()
        return len(jobs)

    async def _prune_when_due(self) -> None:
        settings = self.services.config.worker
        if time.monotonic() < self.next_prune:
            return
        self.next_prune = time.monotonic() + settings.prune_every_minutes * 60
        try:
            if settings.inbox_retention_hours > 0:
                await prune_old_inbox_items(self.services)
        except Exception:  # the next round tries again; pruning must never stop the work itself
            log.exception("pruning the inbox failed")
        try:
            await prune_unattached_uploads(self.services)
        except Exception:
            log.exception("pruning unattached uploads failed")

    async def _sever_when_due(self) -> None:
        # As often as domain rules are reread (5 s): one indexed query when nothing is pending.
        if time.monotonic() < self.next_sever:
            return
        self.next_sever = time.monotonic() + 5.0
        try:
            await sever_pending(self.services.sessions)
        except Exception:  # tried again next time; severing must never stop the work itself
            log.exception("severing suspended domains failed")

    def _refresh_blocklists_when_due(self) -> None:
        # Checked once a minute (one small query); downloads run beside the work, never in its way.
        if time.monotonic() < self.next_blocklist_check or (self.blocklists and not self.blocklists.done()):
            return
        self.next_blocklist_check = time.monotonic() + 60
        self.blocklists = asyncio.create_task(self._refresh_blocklists())

    async def _refresh_blocklists(self) -> None:
        try:
            await refresh_due(self.services)
        except Exception:  # tried again at the next check; a list must never stop the work itself
            log.exception("refreshing subscribed blocklists failed")

    def _start(self, coroutine) -> None:
        task = asyncio.create_task(coroutine)
        self.running.add(task)
        task.add_done_callback(self._done)

    async def _process(self, item_id: int) -> None:
        try:
            await process_item(self.services, item_id)
        except asyncio.CancelledError:
            raise
        except Exception:  # the handler records its own failures; this is the last resort
            log.exception("inbox item %d failed", item_id)

    async def _deliver(self, job: Job, prepared: Prepared, host_refused: str | None) -> None:
        try:
            result = await send(self.services, job, prepared, host_refused)
        except asyncio.CancelledError:
            raise
        except Exception:  # send() turns network trouble into results; this is the last resort
            log.exception("delivery %d failed", job.id)
            return
        self.results.append(result)
        self.have_results.set()

    async def _flush_loop(self) -> None:
        while True:
            await self.have_results.wait()
            await asyncio.sleep(self.flush_seconds)  # let a batch gather
            await self._flush()

    async def _flush(self) -> None:
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


async def prune_old_inbox_items(services: Services) -> int:
    """Delete processed inbox items older than [worker] inbox_retention_hours; returns how many."""
    hours = services.config.worker.inbox_retention_hours
    async with services.sessions() as session:
        pruned = await prune_inbox(session, utcnow() - timedelta(hours=hours))
    if pruned:
        log.info("pruned %d processed inbox items older than %g hours", pruned, hours)
    return pruned


async def prune_unattached_uploads(services: Services) -> int:
    """Delete uploads (rows and files) that no post took within UNATTACHED_GRACE; returns how many."""
    async with services.sessions() as session:
        gone = await prune_unattached_media(session, utcnow() - UNATTACHED_GRACE)
    await asyncio.to_thread(delete_files, services.storage, gone)  # after the commit: a row a failed commit kept needs its files
    if gone:
        log.info("pruned %d uploads no post took", len(gone))
    return len(gone)


async def run_due_work(services: Services, *, max_rounds: int = 100) -> int:
    """Process everything due now, in this task, until nothing is left; returns how many jobs ran.

    For tests and one-shot commands; the server uses Worker.run.
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
