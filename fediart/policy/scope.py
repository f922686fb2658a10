"""SQL conditions for "an actor on this domain or a subdomain of it", shared by severing and the views
that hide limited servers. Actor.domain may carry a port (loopback peers), so both forms match."""

from __future__ import annotations

from typing import Any

from sqlalchemy import false, or_
from sqlmodel import select

from fediart.store.tables import Actor


def domain_matches(domains: list[str] | tuple[str, ...]) -> Any:
    """A condition on Actor.domain: on any of `domains` (normalised names) or their subdomains."""
    conditions = []
    for domain in domains:
        conditions += [Actor.domain == domain, Actor.domain.like(f"{domain}:%"),
                       Actor.domain.like(f"%.{domain}"), Actor.domain.like(f"%.{domain}:%")]
    return or_(*conditions) if conditions else false()


def remote_actors_on(domains: list[str] | tuple[str, ...]) -> Any:
    """The ids of remote actors on `domains` or their subdomains, as a subquery."""
    return select(Actor.id).where(Actor.account_id.is_(None), domain_matches(domains))
