"""Which servers fediart federates with, decided from the admin's domain rules (no HTTP here).

A rule covers its domain and every subdomain; where several match, the longest wins. In blocklist
mode every server may federate except suspended ones; in allowlist mode only allowed ones may, and a
block still beats an allow. Rules are read from the database and kept for a few seconds, since they
are checked on every request; a change made in any process makes every process reread them at once
(on PostgreSQL, through coherence.py).
"""

from __future__ import annotations

import time
from typing import Any
from dataclasses import dataclass

from sqlmodel import select

from fediart.coherence import Message, Kind, announce
from fediart.policy.hosts import suffixes
from fediart.store.policy_tables import DomainAllow, DomainBlock
from fediart.store.states import DomainSeverity, FederationMode


@dataclass(frozen=True)
class Rule:
    """The block that applies to a host: the matching domain, its severity and flags."""

    domain: str
    severity: DomainSeverity
    reject_media: bool = False
    reject_reports: bool = False

    @property
    def suspended(self) -> bool:
        return self.severity == DomainSeverity.SUSPEND

    @property
    def silenced(self) -> bool:
        return self.severity == DomainSeverity.SILENCE


@dataclass(frozen=True)
class Decision:
    """Whether activities may be exchanged with a host, and the rule behind it (None: no block)."""

    allowed: bool
    reason: str = ""
    rule: Rule | None = None


ALLOW = Decision(True)


class DomainPolicy:
    """The admin's rules, as one snapshot per few seconds; `forget()` makes the next check reread them."""

    def __init__(self, sessions, mode: str = FederationMode.BLOCKLIST, ttl_seconds: float = 5.0) -> None:
        self.sessions = sessions
        self.mode = FederationMode(mode)
        self.ttl = ttl_seconds
        self._blocks: dict[str, Rule] = {}
        self._allows: frozenset[str] = frozenset()
        self._loaded_at = float("-inf")

    async def _load(self, session: Any = None) -> None:
        """Reread the rules once they are older than the TTL, in the caller's session if it holds one: a
        second connection asked for while holding one can wait forever once every request holds one."""
        if time.monotonic() - self._loaded_at <= self.ttl:
            return
        if session is None:
            async with self.sessions() as session:
                blocks, allows = await self._read(session)
        else:
            blocks, allows = await self._read(session)
        self._blocks = {domain: Rule(domain, DomainSeverity(severity), bool(media), bool(reports))
                        for domain, severity, media, reports in blocks}
        self._allows = frozenset(allows)
        self._loaded_at = time.monotonic()

    @staticmethod
    async def _read(session: Any) -> tuple[Any, Any]:
        blocks = (await session.exec(select(DomainBlock.domain, DomainBlock.severity, DomainBlock.reject_media,
                                            DomainBlock.reject_reports))).all()
        return blocks, (await session.exec(select(DomainAllow.domain))).all()

    def forget(self) -> None:
        """Reread the rules at the next check, here and in every other process (call it after the commit)."""
        self.drop()
        announce(self.sessions, Message(Kind.POLICY))

    def drop(self) -> None:
        """Reread the rules at the next check, in this process only."""
        self._loaded_at = float("-inf")

    async def rule_for(self, host: str) -> Rule | None:
        """The block covering `host` (a normalised host name), longest domain first; None if none."""
        await self._load()
        for suffix in suffixes(host):
            rule = self._blocks.get(suffix)
            if rule is not None:
                return rule
        return None

    async def hidden_domains(self, session: Any = None) -> list[str]:
        """Domains whose accounts never appear in public views: silenced (limited) and suspended ones."""
        await self._load(session)
        return sorted(domain for domain, rule in self._blocks.items() if rule.severity != DomainSeverity.NOOP)

    async def silenced_domains(self, session: Any = None) -> list[str]:
        """Domains the admin limited (silence)."""
        await self._load(session)
        return sorted(domain for domain, rule in self._blocks.items() if rule.silenced)

    async def allowed_by_list(self, host: str) -> bool:
        """Whether an allow rule covers `host` (consulted in allowlist mode)."""
        await self._load()
        return any(suffix in self._allows for suffix in suffixes(host))

    async def check_host(self, host: str) -> Decision:
        """Whether fediart may exchange activities with `host` (a normalised host name) at all.

        Silenced and noop servers are allowed here; what limiting means is applied where their
        content is shown (see `rule_for`).
        """
        if not host:
            return Decision(False, "no host")
        rule = await self.rule_for(host)
        if rule is not None and rule.suspended:
            return Decision(False, f"{host} is blocked (rule for {rule.domain})", rule)
        if self.mode == FederationMode.ALLOWLIST and not await self.allowed_by_list(host):
            return Decision(False, f"{host} is not on this server's allowlist", rule)
        return Decision(True, "", rule)
