"""Domain blocks: a blocked domain covers its subdomains; the longest matching rule decides."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlmodel import select

from fediart.activitypub.hosts import domain_matches
from fediart.store.policy_tables import DomainBlock


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""


ALLOW = Decision(True)


class DomainPolicy:
    """Blocked domains, read from the database and kept for a few seconds (checked on every request)."""

    def __init__(self, sessions, ttl_seconds: float = 5.0) -> None:
        self.sessions = sessions
        self.ttl = ttl_seconds
        self._blocks: dict[str, str] = {}
        self._loaded_at = float("-inf")

    async def _current(self) -> dict[str, str]:
        if time.monotonic() - self._loaded_at > self.ttl:
            async with self.sessions() as session:
                rows = (await session.exec(select(DomainBlock))).all()
            self._blocks = {row.domain: row.severity for row in rows}
            self._loaded_at = time.monotonic()
        return self._blocks

    def forget(self) -> None:
        self._loaded_at = float("-inf")

    async def check_host(self, host: str) -> Decision:
        """Whether fediart may exchange activities with `host` (a normalised host name)."""
        if not host:
            return Decision(False, "no host")
        blocks = await self._current()
        matches = [d for d in blocks if domain_matches(host, d)]
        if not matches:
            return ALLOW
        rule = max(matches, key=len)
        if blocks[rule] == "suspend":
            return Decision(False, f"{host} is blocked (rule for {rule})")
        return ALLOW
