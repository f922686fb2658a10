"""Blocks and mutes of other actors by an artist.

A block ends the follows both ways and, for a remote actor, sends Block (its Undo on unblock), so
their server stops showing the artist's posts to them. A mute is private: nothing is sent.
"""

from __future__ import annotations

from sqlmodel import select

from fediart.actions.errors import ActionError
from fediart.actions.follows import sever_both_ways
from fediart.store.pages import Page
from fediart.inbox.local import lock_account
from fediart.outbox.follow import send_block, send_undo_block
from fediart.services import Services
from fediart.store.states import Restriction
from fediart.store.tables import Account, Actor, ActorRestriction


async def _restriction(session, account: Account, actor: Actor, kind: Restriction) -> ActorRestriction | None:
    return (await session.exec(select(ActorRestriction).where(
        ActorRestriction.account_id == account.id, ActorRestriction.actor_id == actor.id,
        ActorRestriction.kind == kind))).first()


async def block(services: Services, account: Account, actor: Actor) -> ActorRestriction:
    """Block `actor` (idempotent): follows severed both ways, Block sent to a remote actor."""
    if actor.account_id == account.id:
        raise ActionError("you cannot block yourself", 422)
    async with services.sessions() as session:
        await lock_account(session, account.id)
        found = await _restriction(session, account, actor, Restriction.BLOCK)
        if found is not None:
            return found
        await sever_both_ways(session, services, account, actor)
        block_uri = None if actor.local else await send_block(session, services, account, actor)
        row = ActorRestriction(account_id=account.id, actor_id=actor.id, kind=Restriction.BLOCK,
                               activity_uri=block_uri)
        session.add(row)
        await session.commit()
        await session.refresh(row)
    services.wake_worker()
    return row


async def unblock(services: Services, account: Account, actor: Actor) -> bool:
    """Lift a block (Undo{Block} to a remote actor); False if there was none."""
    async with services.sessions() as session:
        found = await _restriction(session, account, actor, Restriction.BLOCK)
        if found is None:
            return False
        if not actor.local and found.activity_uri:
            await send_undo_block(session, services, account, actor, found.activity_uri)
        await session.delete(found)
        await session.commit()
    services.wake_worker()
    return True


async def mute(services: Services, account: Account, actor: Actor) -> ActorRestriction:
    """Mute `actor` (idempotent); nobody is told."""
    if actor.account_id == account.id:
        raise ActionError("you cannot mute yourself", 422)
    async with services.sessions() as session:
        await lock_account(session, account.id)
        found = await _restriction(session, account, actor, Restriction.MUTE)
        if found is None:
            found = ActorRestriction(account_id=account.id, actor_id=actor.id, kind=Restriction.MUTE)
            session.add(found)
            await session.commit()
            await session.refresh(found)
        return found


async def unmute(services: Services, account: Account, actor: Actor) -> bool:
    async with services.sessions() as session:
        found = await _restriction(session, account, actor, Restriction.MUTE)
        if found is None:
            return False
        await session.delete(found)
        await session.commit()
        return True


async def restricted(services: Services, account: Account, kind: Restriction,
                     page: Page) -> list[tuple[ActorRestriction, Actor]]:
    """The actors an artist blocked or muted, newest first, paged by the restriction's id."""
    async with services.sessions() as session:
        rows = await session.exec(
            select(ActorRestriction, Actor).join(Actor, ActorRestriction.actor_id == Actor.id)
            .where(ActorRestriction.account_id == account.id, ActorRestriction.kind == kind,
                   *page.conditions(ActorRestriction.id))
            .order_by(page.order(ActorRestriction.id)).limit(page.limit))
        return page.arrange(list(rows.all()))
