"""The actor rows of our own artists: every local account has one, so relations between two artists
of this instance are stored exactly like relations with remote actors (store/tables.Actor)."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.activitypub.hosts import host_of
from fediart.store.tables import Account, Actor, utcnow
from fediart.urls import Urls


def _local_fields(urls: Urls, account: Account) -> dict:
    return {
        "uri": urls.actor(account.username),
        "domain": host_of(urls.base),
        "actor_type": "Person",
        "username": account.username,
        "display_name": account.display_name,
        "summary": "",  # the account row is the source of truth; this copy is for joins only
        "url": urls.profile(account.username),
        "inbox": urls.inbox(account.username),
        "shared_inbox": urls.shared_inbox,
        "followers_url": urls.followers(account.username),
        "key_id": urls.key_id(account.username),
        "public_key_pem": account.public_key_pem,
        "gone": False,
    }


async def local_actor(session: AsyncSession, urls: Urls, account: Account) -> Actor:
    """The actor row of a local account, made (or brought up to date) on first use; not committed."""
    actor = (await session.exec(select(Actor).where(Actor.account_id == account.id))).first()
    fields = _local_fields(urls, account)
    if actor is None:
        actor = Actor(account_id=account.id, **fields)
    elif all(getattr(actor, key) == value for key, value in fields.items()):
        return actor
    else:
        for key, value in fields.items():
            setattr(actor, key, value)
    actor.fetched_at = utcnow()
    session.add(actor)
    await session.flush()
    return actor


async def sync_local_actors(session: AsyncSession, urls: Urls) -> None:
    """Give every artist an actor row and keep it matching the configured domain; commits."""
    accounts = (await session.exec(select(Account).where(Account.kind == "person"))).all()
    for account in accounts:
        await local_actor(session, urls, account)
    await session.commit()


async def account_of_actor(session: AsyncSession, actor: Actor) -> Account | None:
    """The local account behind an actor row, or None for a remote actor."""
    return None if actor.account_id is None else await session.get(Account, actor.account_id)
