"""`fediart media migrate --to s3 --background`: a worker copies every object as a job, its progress read
from `fediart jobs` while it runs; a second migration is refused while one is queued; a migration this
worker cannot do fails at once with the reason."""

from __future__ import annotations

import threading

import pytest
from commands_support import local_files, run
from helpers import make_config
from jobs.worker_run import jobs, running_workers, wait_for
from object_storage import bucket, objects, s3_endpoint, with_s3  # noqa: F401 - fixtures
from posting import png, publish

from fediart.commands import CliError
from fediart.media.storage import S3Storage
from fediart.store.job_tables import Job
from fediart.store.jobs import enqueue
from fediart.store.states import JobKind, JobState


@pytest.fixture
async def config(database_settings, tmp_path, s3_endpoint, bucket):
    config = make_config(database_settings, tmp_path, worker={"poll_seconds": 0.02})
    return with_s3(config, s3_endpoint, bucket, backend="local")


async def test_a_background_migration_runs_in_a_worker_and_fediart_jobs_shows_its_progress(
        services, config, make_artist, monkeypatch, capsys, s3_endpoint, bucket):
    await make_artist("ana")
    await publish(services, images=[(png(), "one"), (png("blue"), "two")])
    files = local_files(services)
    total = len(files)
    assert total >= 4

    assert await run(services, config, "media", "migrate", "--to", "s3", "--background") == 0
    out = capsys.readouterr().out
    [job] = await jobs(services)
    assert f"queued the migration to s3 as job {job.id}" in out and "`fediart jobs` shows its progress" in out
    assert objects(s3_endpoint, bucket) == {}  # nothing copied by the command itself
    with pytest.raises(CliError, match=f"already queued or running \\(job {job.id}, to s3\\)"):
        await run(services, config, "media", "migrate", "--to", "s3", "--background")

    # The worker's copy waits before its third object, so the test can read the progress mid-way.
    held, put = threading.Event(), S3Storage.put
    stored = []

    def slow_put(self, name, data, headers=None):
        if len(stored) == 2:
            held.wait(timeout=20)
        put(self, name, data, headers)
        stored.append(name)

    monkeypatch.setattr(S3Storage, "put", slow_put)

    async def shows_progress() -> bool:
        await run(services, config, "jobs")
        running = capsys.readouterr().out.split("running:")[1].split("failed")[0]
        # ID, KIND, PAYLOAD, ATTEMPT, PROGRESS
        return [str(job.id), "media_migration", "to=s3", "1", f"2/{total}"] in [l.split() for l in running.splitlines()]

    try:
        async with running_workers(services):
            await wait_for(shows_progress, what="the running migration's progress")
            held.set()
            await wait_for(lambda: _state(services, job.id, JobState.DONE))
    finally:
        held.set()
    assert set(objects(s3_endpoint, bucket)) == set(files)
    assert await run(services, config, "jobs") == 0
    out = capsys.readouterr().out
    [line] = [line for line in out.splitlines() if line.startswith("media_migration")]
    assert "done 1" in line and "failed 0" in line
    assert "running: none" in out and "failed: none" in out
    [finished] = await jobs(services, Job.kind == JobKind.MEDIA_MIGRATION)
    assert (finished.progress_done, finished.progress_total, finished.attempts) == (total, total, 1)


async def test_a_migration_the_worker_cannot_do_fails_at_once_with_the_reason(services, config, capsys):
    async with services.sessions() as session:  # as if queued from a config where s3 was the backend
        job_id = await enqueue(session, JobKind.MEDIA_MIGRATION, {"to": "local"}, dedupe_key="storage")
        await session.commit()
    async with running_workers(services):
        await wait_for(lambda: _state(services, job_id, JobState.FAILED))
    [job] = await jobs(services, Job.kind == JobKind.MEDIA_MIGRATION)
    assert job.attempts == 1
    assert job.last_error == "[storage] backend is already local: run migrate --to the other backend"
    assert await run(services, config, "jobs") == 0
    out = capsys.readouterr().out
    failed = out.split("failed (newest first")[1].splitlines()[2]  # the header, then the one failed job
    assert failed.split()[:4] == [str(job_id), "media_migration", "to=local", "1"]
    assert failed.endswith("[storage] backend is already local: run migrate --to the other backend")


async def _state(services, job_id: int, state: JobState) -> bool:
    return [j.state for j in await jobs(services, Job.id == job_id)] == [state]
