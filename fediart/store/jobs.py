"""Queries on the job table: schedule without duplicates, claim under a lease, renew it, record outcomes.

Claiming is the same pattern as deliveries (store/queue.py): on PostgreSQL FOR UPDATE SKIP LOCKED,
so no job is handed to two workers; SQLite serialises writers. A lease that runs out (its worker
died) makes the job claimable again; a running job renews its lease, so a long one is not redone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.store.job_tables import PENDING_ONLY, Job
from fediart.store.states import JobState


def _now() -> datetime:
    # To the microsecond, unlike tables.utcnow: a lease cut to whole seconds could end before it began.
    return datetime.now(UTC)


@dataclass(frozen=True)
class Claimed:
    """A leased job: what its kind needs to run it."""

    id: int
    kind: str
    payload: dict
    attempts: int  # before this one


def _insert(session: AsyncSession):
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    return dialect.insert(Job)


async def enqueue(session: AsyncSession, kind: str, payload: dict | None = None, *, dedupe_key: str | None = None,
                  not_since: datetime | None = None) -> int | None:
    """Add a pending job (the caller commits); returns its id, or None when the dedupe key says it exists.

    With a dedupe_key, nothing is added while a job of that kind and key is pending; with not_since
    as well, nor when one was created since then (a periodic job already ran this period).
    """
    if dedupe_key is not None and not_since is not None:
        recent = select(Job.id).where(Job.kind == kind, Job.dedupe_key == dedupe_key, Job.created_at >= not_since)
        if (await session.exec(recent.limit(1))).first() is not None:
            return None
    now = _now()
    statement = _insert(session).values(kind=kind, payload=payload or {}, dedupe_key=dedupe_key,
                                        state=JobState.PENDING, attempts=0, retry_at=now, last_error="",
                                        created_at=now)
    # The unique partial index decides between two schedulers racing: one row, no error for the other.
    statement = statement.on_conflict_do_nothing(index_elements=["kind", "dedupe_key"], index_where=PENDING_ONLY)
    row = (await session.exec(statement.returning(Job.id))).first()
    return row.id if row is not None else None


async def pending_with_key(session: AsyncSession, kind: str, dedupe_key: str) -> Job | None:
    return (await session.exec(select(Job).where(Job.kind == kind, Job.dedupe_key == dedupe_key,
                                                 Job.state == JobState.PENDING))).scalars().first()


async def claim_jobs(session: AsyncSession, kind: str, limit: int, lease_seconds: float,
                     now: datetime | None = None) -> list[Claimed]:
    """Lease up to `limit` due jobs of `kind`, oldest first."""
    now = now or _now()
    due = (select(Job.id)
           .where(Job.kind == kind, Job.state == JobState.PENDING, Job.retry_at <= now,
                  or_(Job.claimed_until.is_(None), Job.claimed_until < now))
           .order_by(Job.retry_at, Job.id)
           .limit(limit))
    # Usually nothing is due: a read costs no write turn (SQLite has one writer, and the deliveries'
    # result batches queue for it), so look before taking one.
    if (await session.exec(due.limit(1))).first() is None:
        await session.rollback()
        return []
    if session.bind.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    statement = (update(Job).where(Job.id.in_(due.scalar_subquery()))
                 .values(claimed_until=now + timedelta(seconds=lease_seconds))
                 .returning(Job.id, Job.kind, Job.payload, Job.attempts))
    rows = (await session.exec(statement)).all()
    await session.commit()
    return sorted((Claimed(row.id, row.kind, row.payload or {}, row.attempts) for row in rows), key=lambda c: c.id)


async def renew(session: AsyncSession, job_id: int, lease_seconds: float,
                progress: tuple[int, int] | None = None) -> None:
    """Extend a running job's lease, and record how far it got."""
    values: dict = {"claimed_until": _now() + timedelta(seconds=lease_seconds)}
    if progress is not None:
        values.update(progress_done=progress[0], progress_total=progress[1])
    await session.exec(update(Job).where(Job.id == job_id, Job.state == JobState.PENDING).values(**values))
    await session.commit()


async def finish(session: AsyncSession, job_id: int, progress: tuple[int, int] | None = None) -> None:
    values: dict = {"state": JobState.DONE, "claimed_until": None, "finished_at": _now(),
                    "attempts": Job.attempts + 1}
    if progress is not None:
        values.update(progress_done=progress[0], progress_total=progress[1])
    # Only a job still pending: a lease that ran out may have let another worker finish it.
    await session.exec(update(Job).where(Job.id == job_id, Job.state == JobState.PENDING).values(**values))
    await session.commit()


async def fail(session: AsyncSession, job_id: int, error: str, retry_in: float | None,
               progress: tuple[int, int] | None = None) -> None:
    """Record a failed attempt: retried in `retry_in` seconds, or failed for good when None."""
    now = _now()
    values: dict = {"attempts": Job.attempts + 1, "last_error": error[:1000], "claimed_until": None}
    if retry_in is None:
        values.update(state=JobState.FAILED, finished_at=now)
    else:
        values["retry_at"] = now + timedelta(seconds=retry_in)
    if progress is not None:
        values.update(progress_done=progress[0], progress_total=progress[1])
    await session.exec(update(Job).where(Job.id == job_id, Job.state == JobState.PENDING).values(**values))
    await session.commit()


async def prune_finished_jobs(session: AsyncSession, finished_before: datetime) -> int:
    """Delete jobs done before the given time; failed ones stay for the admin to read or retry."""
    result = await session.exec(delete(Job).where(Job.state == JobState.DONE, Job.finished_at < finished_before))
    await session.commit()
    return result.rowcount or 0


async def running_jobs(session: AsyncSession, now: datetime | None = None) -> list[Job]:
    """Jobs a worker holds right now (pending under a lease that has not run out), oldest first."""
    now = now or _now()
    return list((await session.exec(select(Job).where(Job.state == JobState.PENDING, Job.claimed_until >= now)
                                    .order_by(Job.id))).scalars().all())


async def failed_jobs(session: AsyncSession, limit: int) -> list[Job]:
    """The most recently failed jobs, newest first."""
    return list((await session.exec(select(Job).where(Job.state == JobState.FAILED)
                                    .order_by(Job.finished_at.desc(), Job.id.desc()).limit(limit))).scalars().all())


async def requeue(session: AsyncSession, job: Job) -> None:
    """A failed job pending again, due now, with its attempts counted afresh (the caller commits)."""
    await session.exec(update(Job).where(Job.id == job.id, Job.state == JobState.FAILED).values(
        state=JobState.PENDING, attempts=0, retry_at=_now(), claimed_until=None, finished_at=None))
