"""Who receives an activity: inboxes of followers and addressees, de-duplicated, shared inbox preferred."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.store.states import FollowState, Restriction
from fediart.store.tables import Actor, ActorRestriction, Follower, RemoteBlock


def inbox_of(actor: Actor) -> str:
    """The shared inbox when the actor's server has one (one POST serves every follower there)."""
    return actor.shared_inbox or actor.inbox


def blocked_either_way(account_id: int):
    """Ids of actors that blocked the artist or that the artist blocked: nothing of theirs is sent to them."""
    return select(RemoteBlock.actor_id).where(RemoteBlock.account_id == account_id).union(
        select(ActorRestriction.actor_id).where(ActorRestriction.account_id == account_id,
                                                ActorRestriction.kind == Restriction.BLOCK))


async def follower_inboxes(session: AsyncSession, account_id: int) -> set[str]:
    """Inboxes of an account's accepted followers, skipping deleted actors and blocks either way."""
    blocked = blocked_either_way(account_id)
    rows = await session.exec(
        select(Actor)
        .join(Follower, Follower.actor_id == Actor.id)
        .where(Follower.account_id == account_id, Follower.state == FollowState.ACCEPTED, Actor.gone == False,  # noqa: E712
               Actor.account_id.is_(None),  # local followers read the post from the database
               Actor.id.not_in(blocked))
    )
    return {inbox_of(actor) for actor in rows.all()}
