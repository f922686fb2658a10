"""Severing a suspended domain: follows ended, and everything stored from its servers removed.

As Mastodon does on a suspension, the actor rows stay (their usernames keep old references
readable) but nothing else from that domain and its subdomains does: followers, follows, their
posts, likes and boosts, mentions, notifications and bookmarks of their posts. Remote media is
shown by its remote URL, never copied, so there are no files to delete. Every step is a bulk
delete, so a second run finds nothing and counts zeros.
"""

from __future__ import annotations

import logging

from sqlalchemy import delete, or_, update
from sqlmodel import select

from fediart.policy.scope import remote_actors_on
from fediart.store.policy_tables import DomainBlock
from fediart.store.states import DomainSeverity
from fediart.store.tables import (Bookmark, Follower, Following, Interaction, Mention, Notification,
                                  RemotePost, utcnow)

log = logging.getLogger("fediart.policy")


async def sever_domain(sessions, domain: str) -> dict[str, int]:
    """Remove what is stored from `domain` and its subdomains; returns how many rows of each kind."""
    actors = remote_actors_on([domain])
    async with sessions() as session:
        posts = select(RemotePost.id).where(RemotePost.actor_id.in_(actors))
        steps = {
            "notifications": delete(Notification).where(or_(Notification.actor_id.in_(actors),
                                                            Notification.remote_post_id.in_(posts))),
            "bookmarks": delete(Bookmark).where(Bookmark.remote_post_id.in_(posts)),
            "mentions": delete(Mention).where(or_(Mention.actor_id.in_(actors), Mention.remote_post_id.in_(posts))),
            "interactions": delete(Interaction).where(or_(Interaction.actor_id.in_(actors),
                                                          Interaction.remote_post_id.in_(posts))),
            "posts": delete(RemotePost).where(RemotePost.actor_id.in_(actors)),
            "followers": delete(Follower).where(Follower.actor_id.in_(actors)),
            "following": delete(Following).where(Following.actor_id.in_(actors)),
        }
        counts = {}
        for name, statement in steps.items():
            result = await session.exec(statement.execution_options(synchronize_session=False))
            counts[name] = result.rowcount or 0
        await session.commit()
    log.info("severed %s: %s", domain, ", ".join(f"{n} {k}" for k, n in counts.items()))
    return counts


async def sever_pending(sessions) -> dict[str, dict[str, int]]:
    """Sever every suspend rule not yet severed, then stamp it; the worker calls this each round."""
    async with sessions() as session:
        pending = (await session.exec(select(DomainBlock.domain).where(
            DomainBlock.severity == DomainSeverity.SUSPEND, DomainBlock.severed_at.is_(None)))).all()
    done = {}
    for domain in pending:
        done[domain] = await sever_domain(sessions, domain)
        async with sessions() as session:
            # Only if still a suspension: the admin may have softened it meanwhile.
            await session.exec(update(DomainBlock).where(DomainBlock.domain == domain,
                                                         DomainBlock.severity == DomainSeverity.SUSPEND)
                               .values(severed_at=utcnow()))
            await session.commit()
    return done
