"""What an admin does with jobs: see the failed and running ones, and retry a failed one.

`fediart jobs` calls these; the counts per kind come from ops/queue_depths.py, as /metrics' do.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from fediart.actions.errors import ActionError, NotFound
from fediart.store.job_tables import Job
from fediart.store.jobs import failed_jobs, pending_with_key, requeue, running_jobs
from fediart.store.states import JobState


async def jobs_running(sessions) -> list[Job]:
    async with sessions() as session:
        return await running_jobs(session)


async def jobs_failed(sessions, limit: int = 20) -> list[Job]:
    async with sessions() as session:
        return await failed_jobs(session, limit)


async def retry_job(sessions, job_id: int) -> Job:
    """Make a failed job pending again with a fresh set of attempts; returns it as it now is."""
    async with sessions() as session:
        job = await session.get(Job, job_id)
        if job is None:
            raise NotFound(f"no job {job_id}; `fediart jobs` lists the failed ones")
        if job.state != JobState.FAILED:
            raise ActionError(f"job {job_id} is {job.state}, not failed: only a failed job can be retried", 409)
        if job.dedupe_key is not None:
            twin = await pending_with_key(session, job.kind, job.dedupe_key)
            if twin is not None:
                raise ActionError(f"job {twin.id} ({job.kind}) is already pending and does the same work", 409)
        try:
            await requeue(session, job)
            await session.commit()
        except IntegrityError:  # a scheduler queued the same work a moment ago
            raise ActionError(f"a {job.kind} job doing the same work was queued meanwhile", 409) from None
        await session.refresh(job)
        return job
