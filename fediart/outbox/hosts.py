"""Host health: a host failing deliveries on several distinct days is skipped until it speaks again."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.store.tables import UnavailableHost, utcnow


async def is_unavailable(session: AsyncSession, host: str) -> bool:
    row = await session.get(UnavailableHost, host)
    return row is not None and row.unavailable_since is not None


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


async def record_success(session: AsyncSession, host: str) -> None:
    """Any success (or a signed request from the host) clears its record. The caller commits."""
    row = await session.get(UnavailableHost, host)
    if row is not None:
        await session.delete(row)
