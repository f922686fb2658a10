"""Host health: a host failing deliveries on several distinct days is skipped until it speaks again."""

from __future__ import annotations

import time
from collections.abc import Collection

from sqlmodel import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.store.tables import UnavailableHost, utcnow


async def is_unavailable(session: AsyncSession, host: str) -> bool:
    return host in await unavailable_among(session, [host])


async def unavailable_among(session: AsyncSession, hosts: Collection[str]) -> set[str]:
    """Which of these hosts are marked unavailable (one query for a whole batch of deliveries)."""
    if not hosts:
        return set()
    rows = await session.exec(select(UnavailableHost.host).where(
        UnavailableHost.host.in_(set(hosts)), UnavailableHost.unavailable_since.is_not(None)))
    return set(rows.all())


async def record_failure(session: AsyncSession, host: str, days_needed: int) -> bool:
    """Note today's failure; True when the host has just become unavailable. The caller commits."""
    row = await session.get(UnavailableHost, host) or UnavailableHost(host=host, failure_days=[])
    today = utcnow().date().isoformat()
    if today not in row.failure_days:
        # Keep the list bounded (an unbounded per-host record was Fedify's CVE-2026-69132).
        row.failure_days = sorted([*row.failure_days, today])[-days_needed:]
    became = row.unavailable_since is None and len(row.failure_days) >= days_needed
    if became:
        row.unavailable_since = utcnow()
    session.add(row)
    return became


async def record_successes(conn: AsyncConnection, hosts: Collection[str]) -> None:
    """Any success (or a signed request from the host) clears its record: one statement for a batch of
    hosts (a session passes `await session.connection()`). The caller commits."""
    if hosts:
        await conn.execute(delete(UnavailableHost).where(UnavailableHost.host.in_(set(hosts))))


class FailingHosts:
    """The hosts that have a failure record, re-read every few seconds.

    The inbox clears a host's record when it hears from it; knowing which hosts have one saves a
    database look-up on every received activity, when almost none do.
    """

    def __init__(self, ttl_seconds: float = 5.0) -> None:
        self.ttl = ttl_seconds
        self._hosts: set[str] = set()
        self._read_at = float("-inf")

    async def contains(self, conn: AsyncConnection, host: str) -> bool:
        if time.monotonic() - self._read_at > self.ttl:
            self._hosts = set((await conn.execute(select(UnavailableHost.host))).scalars().all())
            self._read_at = time.monotonic()
        return host in self._hosts
