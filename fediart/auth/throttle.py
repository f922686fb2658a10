"""The login throttle: failed logins are rows, counted per typed username and per client address.

Rows, not process memory, so the limit holds across server processes and restarts. Unknown usernames
are counted like real ones, so the throttle does not tell which names exist.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.store.tables import LoginAttempt, utcnow

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5
# Higher than per account: several people may share one address (a household, a school, a VPN).
PER_ADDRESS = 10


def username_key(typed: str) -> str:
    return typed.strip().lstrip("@").lower()[:64]


async def _failures(session: AsyncSession, column, value: str) -> int:
    since = utcnow() - WINDOW
    query = select(func.count()).select_from(LoginAttempt).where(column == value, LoginAttempt.created_at > since)
    return (await session.exec(query)).one()


async def throttled(session: AsyncSession, username: str, address: str) -> bool:
    """Whether logins for this username or from this address are refused for now."""
    return (await _failures(session, LoginAttempt.username, username_key(username)) >= PER_ACCOUNT
            or await _failures(session, LoginAttempt.address, address[:64]) >= PER_ADDRESS)


async def record_failure(session: AsyncSession, username: str, address: str) -> None:
    now = utcnow()
    session.add(LoginAttempt(username=username_key(username), address=address[:64], created_at=now))
    await session.exec(delete(LoginAttempt).where(LoginAttempt.created_at < now - WINDOW))
    await session.commit()


async def forget_failures(session: AsyncSession, username: str) -> None:
    """After a successful login the account's count starts again; the address's count stays (the rows
    stay, no longer tied to the name)."""
    await session.exec(update(LoginAttempt).where(LoginAttempt.username == username_key(username))
                       .values(username=""))
    await session.commit()
