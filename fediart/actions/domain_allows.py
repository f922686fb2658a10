"""The admin's allowlist: the servers fediart federates with when [federation] mode = "allowlist".

An allow covers its domain and every subdomain; in allowlist mode a block still beats an allow
(fediart/policy/domains.py). After a change every process rereads the rules (domain_blocks.forget_rules).
"""

from __future__ import annotations

from sqlmodel import select

from fediart.actions.domain_blocks import domain_or_error, forget_rules
from fediart.actions.errors import NotFound
from fediart.store.policy_tables import DomainAllow


async def add_allow(sessions, domain_text: str, *, public_comment: str | None = None,
                    private_comment: str | None = None, policy=None) -> tuple[DomainAllow, bool, list[str]]:
    """Allow a domain, or change its comments; returns the row, whether it is new, and what changed."""
    domain = domain_or_error(domain_text)
    async with sessions() as session:
        row = await session.get(DomainAllow, domain)
        created = row is None
        row = row or DomainAllow(domain=domain)
        changed = []
        for name, value in (("public_comment", public_comment), ("private_comment", private_comment)):
            if value is not None and getattr(row, name) != value:
                setattr(row, name, value)
                changed.append(name.replace("_", " "))
        if created or changed:
            session.add(row)
            await session.commit()
            await session.refresh(row)
    forget_rules(sessions, policy)
    return row, created, changed


async def remove_allow(sessions, domain_text: str, *, policy=None) -> DomainAllow:
    domain = domain_or_error(domain_text)
    async with sessions() as session:
        row = await session.get(DomainAllow, domain)
        if row is None:
            raise NotFound(f"{domain} is not on the allowlist")
        await session.delete(row)
        await session.commit()
    forget_rules(sessions, policy)
    return row


async def list_allows(sessions) -> list[DomainAllow]:
    async with sessions() as session:
        return list((await session.exec(select(DomainAllow).order_by(DomainAllow.domain))).all())
