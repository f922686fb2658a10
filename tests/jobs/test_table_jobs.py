"""Jobs on the generic job table (fediart/jobs/table.py, fediart/store/jobs.py): retried with their kind's
backoff, failed past max attempts with the error kept, claimed again once a dead worker's lease ran out,
never claimed twice while a live worker renews the lease, and capped at their kind's concurrency."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from helpers import make_config
from jobs.worker_run import jobs, running_workers, wait_for
from sqlmodel import update

from fediart.jobs.kind import Kind
from fediart.jobs.table import TableRunner
from fediart.store.job_tables import Job
from fediart.store.jobs import claim_jobs, enqueue, fail, finish
from fediart.store.states import JobState
from fediart.store.tables import utcnow


@pytest.fixture
async def config(database_settings, tmp_path, request):
    worker = {"poll_seconds": 0.02, **getattr(request, "param", {})}
    return make_config(database_settings, tmp_path, worker=worker)


def kind(name: str, perform, *, concurrency: int = 1, max_attempts: int = 3, backoff=lambda n: 600.0 * n) -> Kind:
    return Kind(name=name, states=JobState, concurrency=lambda settings: concurrency,
                max_attempts=lambda settings: max_attempts, backoff=backoff, runner=TableRunner, perform=perform)


async def add_jobs(services, kind_name: str, count: int, **payload) -> list[int]:
    async with services.sessions() as session:
        ids = [await enqueue(session, kind_name, {**payload, "n": n}) for n in range(count)]
        await session.commit()
    return ids


def seconds_until(when: datetime) -> float:
    return (when.replace(tzinfo=None) - datetime.now(UTC).replace(tzinfo=None)).total_seconds()


async def make_due(services, job_id: int) -> None:
    """As if its backoff had passed."""
    async with services.sessions() as session:
        await session.exec(update(Job).where(Job.id == job_id).values(retry_at=utcnow() - timedelta(seconds=1)))
        await session.commit()


async def test_a_failing_job_is_retried_after_its_backoff_and_fails_for_good_with_its_error(services):
    calls = []

    async def flaky(services, job, progress):
        calls.append(job.attempts)
        raise RuntimeError(f"the remote answered 503 (call {len(calls)})")

    failing = kind("flaky", flaky, max_attempts=3, backoff=lambda n: 600.0 * n)
    [job_id] = await add_jobs(services, "flaky", 1)

    async def attempts_made(count: int) -> bool:
        [job] = await jobs(services, Job.id == job_id)
        return job.attempts == count and job.claimed_until is None

    async with running_workers(services, kinds=(failing,)):
        await wait_for(lambda: attempts_made(1))
        [job] = await jobs(services, Job.id == job_id)
        assert job.state == JobState.PENDING and job.last_error == "RuntimeError: the remote answered 503 (call 1)"
        assert 590 <= seconds_until(job.retry_at) <= 600  # the kind's backoff after one failure
        await asyncio.sleep(0.2)
        assert calls == [0]  # not before its time
        await make_due(services, job_id)
        await wait_for(lambda: attempts_made(2))
        [job] = await jobs(services, Job.id == job_id)
        assert 1190 <= seconds_until(job.retry_at) <= 1200  # longer after the second
        await make_due(services, job_id)
        await wait_for(lambda: attempts_made(3))
        await make_due(services, job_id)  # due or not, a failed job is never run again
        await asyncio.sleep(0.2)
    [job] = await jobs(services, Job.id == job_id)
    assert calls == [0, 1, 2]
    assert job.state == JobState.FAILED and job.attempts == 3 and job.finished_at is not None
    assert job.last_error == "RuntimeError: the remote answered 503 (call 3)"


async def test_a_job_whose_worker_died_is_claimed_again_once_its_lease_runs_out(services):
    done = []

    async def work(services, job, progress):
        done.append(job.id)

    [job_id] = await add_jobs(services, "work", 1)
    async with services.sessions() as session:  # a worker leased it and then died
        assert [c.id for c in await claim_jobs(session, "work", 10, lease_seconds=30)] == [job_id]
    async with services.sessions() as session:
        assert await claim_jobs(session, "work", 10, lease_seconds=30) == []  # held while the lease lasts
        later = utcnow() + timedelta(seconds=31)
        assert [c.id for c in await claim_jobs(session, "work", 10, lease_seconds=30, now=later)] == [job_id]
    async with services.sessions() as session:  # the lease ran out long ago
        await session.exec(update(Job).values(claimed_until=utcnow() - timedelta(seconds=1)))
        await session.commit()
    async with running_workers(services, kinds=(kind("work", work),)):
        await wait_for(lambda: _state_is(services, job_id, JobState.DONE))
    assert done == [job_id]


async def _state_is(services, job_id: int, state: JobState) -> bool:
    [job] = await jobs(services, Job.id == job_id)
    return job.state == state


@pytest.mark.parametrize("config", [{"lease_seconds": 0.3}], indirect=True)
async def test_a_long_job_keeps_its_lease_so_another_worker_never_runs_it_twice(services):
    # Lease 0.3 s, job 1.2 s: without renewals the second worker would take it over midway.
    starts = []

    async def long_job(services, job, progress):
        starts.append(job.id)
        for step in range(12):
            progress(step + 1, 12)
            await asyncio.sleep(0.1)

    [job_id] = await add_jobs(services, "long", 1)
    async with running_workers(services, count=2, kinds=(kind("long", long_job),)):
        await wait_for(lambda: _state_is(services, job_id, JobState.DONE))
    [job] = await jobs(services, Job.id == job_id)
    assert starts == [job_id]
    assert (job.progress_done, job.progress_total) == (12, 12)


async def test_each_kind_runs_at_most_its_concurrency_at_once(services):
    in_flight = {"two": 0, "one": 0}
    most = {"two": 0, "one": 0}
    release = asyncio.Event()

    def counting(name):
        async def perform(services, job, progress):
            in_flight[name] += 1
            most[name] = max(most[name], in_flight[name])
            try:
                await release.wait()
            finally:
                in_flight[name] -= 1
        return perform

    two, one = kind("two", counting("two"), concurrency=2), kind("one", counting("one"), concurrency=1)
    await add_jobs(services, "two", 5)
    await add_jobs(services, "one", 5)
    async with running_workers(services, kinds=(two, one)):
        await wait_for(lambda: _async(in_flight == {"two": 2, "one": 1}))
        await asyncio.sleep(0.3)  # polls come and go; nothing more is claimed while the slots are full
        assert in_flight == {"two": 2, "one": 1}
        release.set()
        await wait_for(lambda: _all_done(services))
    assert most == {"two": 2, "one": 1}


async def _async(value):
    return value


async def _all_done(services) -> bool:
    return {job.state for job in await jobs(services)} == {JobState.DONE}


async def test_an_outcome_never_overwrites_a_job_another_worker_already_finished(services):
    [job_id] = await add_jobs(services, "work", 1)
    async with services.sessions() as session:
        await claim_jobs(session, "work", 1, lease_seconds=30)
        await finish(session, job_id)  # the worker that took over after a lease ran out
        await fail(session, job_id, "TimeoutError: the first worker, late", retry_in=60.0)
    [job] = await jobs(services, Job.id == job_id)
    assert (job.state, job.attempts, job.last_error) == (JobState.DONE, 1, "")


async def test_a_kind_whose_scheduling_fails_stops_nothing_else(services, caplog):
    done = []

    async def broken_schedule(services):
        raise RuntimeError("the scheduler's query failed")

    async def work(services, job, progress):
        done.append(job.id)

    broken = Kind(name="broken", states=JobState, concurrency=lambda s: 1, max_attempts=lambda s: 1,
                  backoff=lambda n: 1.0, runner=TableRunner, perform=work, schedule=broken_schedule)
    ids = await add_jobs(services, "work", 2)
    async with running_workers(services, kinds=(broken, kind("work", work))):
        await wait_for(lambda: _async(len(done) == 2))
    assert sorted(done) == ids
    assert "scheduling broken jobs failed" in caplog.text
