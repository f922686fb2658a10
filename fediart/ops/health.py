"""The health check: does the database answer, quickly, with the schema this code needs?

Asked of the database on every call, never remembered, so any process behind a load balancer
answers the same for the same database, and a process whose database went away says so at once.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from enum import StrEnum

from fediart.services import Services
from fediart.store.db import sqlite_path
from fediart.store.migrate import current_and_head, first_line

# Load balancers probe every few seconds and give up after a few more: a slower answer is a failure.
TIMEOUT_SECONDS = 2.0


class HealthState(StrEnum):
    OK = "ok"
    DATABASE_UNREACHABLE = "database_unreachable"
    SCHEMA_MISMATCH = "schema_mismatch"


@dataclass(frozen=True)
class Health:
    state: HealthState
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.state == HealthState.OK


async def check_health(services: Services, timeout: float = TIMEOUT_SECONDS) -> Health:
    """One query (the schema revision) under a short timeout; says what is wrong when something is."""
    path = sqlite_path(services.config.database.url)
    if path is not None and not path.exists():
        # Connecting would create an empty file in its place.
        return Health(HealthState.DATABASE_UNREACHABLE, f"no database file at {path}")
    try:
        async with asyncio.timeout(timeout):
            current, head = await current_and_head(services.engine)
    except TimeoutError:
        return Health(HealthState.DATABASE_UNREACHABLE, f"the database did not answer within {timeout:g} s")
    except Exception as exc:  # whatever a driver raises while the database is away, the answer is 503, never 500
        return Health(HealthState.DATABASE_UNREACHABLE, f"cannot reach the database: {first_line(exc)}")
    if current != head:
        return Health(HealthState.SCHEMA_MISMATCH,
                      f"the database schema is at {current or 'nothing'} and this code needs {head}")
    return Health(HealthState.OK)
