"""Running the kinds that live on the generic job table: claim by kind, renew the lease while a job runs,
record done, retried after the kind's backoff, or failed past its max attempts with the error kept.
"""

from __future__ import annotations

import asyncio
import logging

from fediart.jobs.kind import GiveUp, Progress
from fediart.jobs.runner import Runner
from fediart.store.jobs import Claimed, claim_jobs, fail, finish, renew

log = logging.getLogger("fediart.worker")


class TableRunner(Runner):
    def wake(self) -> None:
        """Not for these kinds: a wakeup announces deliveries and inbox items (every post, every received
        activity), while job-table work comes from schedulers and other processes, found at the next poll."""

    async def claim(self, limit: int):
        async with self.services.sessions() as session:
            jobs = await claim_jobs(session, self.kind.name, limit, self.lease)
        return [self._performer(job) for job in jobs]

    def _performer(self, job: Claimed):
        async def perform() -> None:
            await run_claimed(self, job)
        return perform


async def run_claimed(runner: Runner, job: Claimed) -> None:
    """Run one claimed job to its recorded outcome, renewing its lease meanwhile."""
    services, kind = runner.services, runner.kind
    progress = Progress()
    renewing = asyncio.create_task(_renew_lease(runner, job.id, progress))
    failure: Exception | None = None
    try:
        await kind.perform(services, job, progress)
    except asyncio.CancelledError:
        raise  # stopped: the lease runs out and the job is claimed again
    except Exception as exc:
        failure = exc
    finally:  # before the outcome is written, so no renewal can lease the job again after it
        renewing.cancel()
        await asyncio.gather(renewing, return_exceptions=True)
    async with services.sessions() as session:
        if failure is None:
            await finish(session, job.id, progress.value)
            return
        given_up = isinstance(failure, GiveUp)
        error = str(failure) if given_up else f"{type(failure).__name__}: {failure}"
        attempts = job.attempts + 1
        final = given_up or attempts >= kind.max_attempts(services.config.worker)
        retry_in = None if final else kind.backoff(attempts)
        log.warning("%s job %d failed (attempt %d): %s%s", kind.name, job.id, attempts, error,
                    "; it has failed for good" if final else f"; retried in {retry_in:g} s",
                    exc_info=failure if not given_up else None)
        await fail(session, job.id, error, retry_in, progress.value)


async def _renew_lease(runner: Runner, job_id: int, progress: Progress) -> None:
    # A third of the lease, so two renewals may fail before another worker could take the job;
    # at least once a second while the job reports progress, so `fediart jobs` stays current.
    every = min(runner.lease / 3, 1.0)
    while True:
        await asyncio.sleep(every)
        try:
            async with runner.services.sessions() as session:
                await renew(session, job_id, runner.lease, progress.value)
        except Exception:  # the next renewal tries again; the job itself goes on
            log.exception("renewing the lease of %s job %d failed", runner.kind.name, job_id)
