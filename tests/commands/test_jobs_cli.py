"""`fediart jobs`: per kind the same counts /metrics reports, failed jobs with their errors, and
`fediart jobs retry ID` for a failed job only (not for one whose work is already pending again)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from outbox.test_deliver import add_follower, publish
from sqlmodel import update

from fediart.actions.errors import ActionError
from fediart.commands import CliError
from fediart.jobs.manage import retry_job
from fediart.store.job_tables import Job
from fediart.store.jobs import enqueue
from fediart.store.states import JobKind, JobState
from fediart.store.tables import Delivery, utcnow


def table(out: str) -> dict[str, list[str]]:
    """The first table's rows by kind: [RUNNING, DUE, OLDEST DUE, BY STATE] (columns are two spaces apart)."""
    lines = out.split("\n\n")[0].splitlines()[1:]
    return {cells[0]: cells[1:] for cells in (re.split(r"\s{2,}", line.strip()) for line in lines)}


async def failed_job(services, kind: str, error: str, dedupe_key: str | None = None) -> int:
    async with services.sessions() as session:
        job_id = await enqueue(session, kind, {"subscription_id": 7}, dedupe_key=dedupe_key)
        await session.exec(update(Job).where(Job.id == job_id).values(
            state=JobState.FAILED, attempts=3, last_error=error, finished_at=utcnow() - timedelta(minutes=5)))
        await session.commit()
    return job_id


async def test_fediart_jobs_counts_every_kind_by_state_with_the_oldest_due(cli, services, network, make_artist):
    ana = await make_artist("ana")
    for index in range(3):
        await add_follower(services, network, ana, f"f{index}", host=f"h{index}.example")
    _, deliveries = await publish(services, ana)
    async with services.sessions() as session:
        await session.exec(update(Delivery).where(Delivery.id == deliveries[0].id).values(state="sent"))
        await session.exec(update(Delivery).where(Delivery.id == deliveries[1].id)
                           .values(retry_at=utcnow() - timedelta(minutes=7)))
        await session.commit()
    out = await cli("jobs")
    rows = table(out)
    assert list(rows) == ["delivery", "inbox", "severing", "blocklist_refresh", "pruning", "media_migration"]
    assert rows["delivery"] == ["0", "2", "7 min ago", "pending 2, sent 1, gave_up 0"]
    assert rows["pruning"] == ["0", "0", "-", "pending 0, done 0, failed 0"]
    assert "running: none" in out and "failed: none" in out


async def test_failed_jobs_are_listed_with_their_error_and_can_be_retried(cli, services):
    job_id = await failed_job(services, JobKind.BLOCKLIST_REFRESH, "OperationalError: the database went away")
    out = await cli("jobs")
    assert table(out)["blocklist_refresh"][3] == "pending 0, done 0, failed 1"
    failed = out.split("failed (newest first; `fediart jobs retry ID` queues one again):\n")[1].splitlines()
    assert failed[0].split() == ["ID", "KIND", "PAYLOAD", "ATTEMPTS", "FAILED", "ERROR"]
    assert re.split(r"\s{2,}", failed[1]) == [str(job_id), "blocklist_refresh", "subscription_id=7", "3", "5 min ago",
                                             "OperationalError: the database went away"]

    assert f"job {job_id} (blocklist_refresh) is pending again" in await cli("jobs", "retry", str(job_id))
    async with services.sessions() as session:
        job = await session.get(Job, job_id)
    assert (job.state, job.attempts, job.finished_at) == (JobState.PENDING, 0, None)
    running, due, oldest, by_state = table(await cli("jobs"))["blocklist_refresh"]
    assert (running, due, by_state) == ("0", "1", "pending 1, done 0, failed 0") and re.fullmatch(r"\d s ago", oldest)


async def test_retry_refuses_a_missing_job_one_not_failed_and_one_whose_work_is_pending_again(cli, services):
    with pytest.raises(CliError, match="no job 999"):
        await cli("jobs", "retry", "999")
    older = await failed_job(services, JobKind.SEVERING, "boom", dedupe_key="suspensions")
    async with services.sessions() as session:  # the scheduler queued the same work again since
        pending = await enqueue(session, JobKind.SEVERING, dedupe_key="suspensions")
        await session.commit()
    with pytest.raises(CliError, match=f"job {pending} is pending, not failed"):
        await cli("jobs", "retry", str(pending))
    with pytest.raises(ActionError, match=f"job {pending} \\(severing\\) is already pending and does the same work"):
        await retry_job(services.sessions, older)
    async with services.sessions() as session:
        assert (await session.get(Job, older)).state == JobState.FAILED  # nothing changed
