"""Follows, once for the CLI and the client API: follow, unfollow, approve or reject a follower, and the
lists of followers, followed accounts and pending requests.

A remote follow writes the Following row and the Follow activity's delivery in one transaction; the
worker delivers. A follow between two artists of this instance writes both sides at once (Following of
the follower, Follower of the followed, both pointing at local actor rows) and sends nothing.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlmodel import delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.actions.errors import ActionError
from fediart.store.pages import Page
from fediart.inbox.follow import original_follow
from fediart.inbox.local import lock_account, notify
from fediart.outbox.follow import resend_follow, send_accept, send_follow, send_reject, send_undo_follow
from fediart.services import Services
from fediart.store.actors import account_of_actor, local_actor
from fediart.store.states import FollowState, NotificationKind, Restriction
from fediart.store.tables import Account, Actor, ActorRestriction, Follower, Following, RemoteBlock


class FollowOutcome(StrEnum):
    SENT = "sent"            # a new request (remote: Follow queued; local: pending the artist's approval)
    RESENT = "resent"        # still pending on a remote server: the same Follow again
    FOLLOWING = "following"  # accepted at once (a local artist who approves automatically)
    ALREADY = "already"      # nothing to do


async def _following(session: AsyncSession, account: Account, actor: Actor) -> Following | None:
    return (await session.exec(select(Following).where(Following.account_id == account.id,
                                                       Following.actor_id == actor.id))).first()


async def _follower(session: AsyncSession, account: Account, actor: Actor) -> Follower | None:
    return (await session.exec(select(Follower).where(Follower.account_id == account.id,
                                                      Follower.actor_id == actor.id))).first()


def _no_self(account: Account, actor: Actor, who: str) -> None:
    if actor.account_id == account.id:
        raise ActionError(f"{who} is your own account on this server", 422)


async def _blocked(session: AsyncSession, services: Services, account: Account, actor: Actor) -> bool:
    """Whether a block stands between the two, either way (ours, theirs as an artist here, or theirs
    as a remote actor whose Block we received)."""
    mine = select(ActorRestriction.id).where(ActorRestriction.account_id == account.id,
                                             ActorRestriction.actor_id == actor.id,
                                             ActorRestriction.kind == Restriction.BLOCK)
    if (await session.exec(mine)).first() is not None:
        return True
    if actor.local:
        me = await local_actor(session, services.urls, account)
        theirs = select(ActorRestriction.id).where(ActorRestriction.account_id == actor.account_id,
                                                   ActorRestriction.actor_id == me.id,
                                                   ActorRestriction.kind == Restriction.BLOCK)
    else:
        theirs = select(RemoteBlock.id).where(RemoteBlock.account_id == account.id, RemoteBlock.actor_id == actor.id)
    return (await session.exec(theirs)).first() is not None


def _counts_changed(services: Services, account: Account, actor: Actor) -> None:
    # Following and followers counts are kept with the artists' documents (api/account_entities.py).
    services.cache.forget_account(account.username)
    if actor.local:
        services.cache.forget_account(actor.username)


async def follow(services: Services, account: Account, actor: Actor) -> tuple[Following, FollowOutcome]:
    """Follow `actor` as `account`; idempotent: a pending remote request is re-sent, not duplicated."""
    _no_self(account, actor, actor.uri)
    async with services.sessions() as session:
        if await _blocked(session, services, account, actor):
            # Mastodon's wording and status; it says no more, so a block is not confirmed to the blocked.
            raise ActionError("This action is not allowed", 403)
    if actor.local:
        return await _follow_local(services, account, actor)
    async with services.sessions() as session:
        following = await _following(session, account, actor)
        if following is not None and following.state == FollowState.ACCEPTED:
            return following, FollowOutcome.ALREADY
        if following is not None and following.state == FollowState.PENDING:
            await resend_follow(session, services, account, actor, following)
            await session.commit()
            outcome = FollowOutcome.RESENT
        else:
            if following is not None:  # rejected before: a new request, with a new id
                await session.delete(following)
                await session.flush()
            following = await send_follow(session, services, account, actor)
            await session.commit()
            outcome = FollowOutcome.SENT
        await session.refresh(following)
    services.wake_worker()
    return following, outcome


async def _follow_local(services: Services, account: Account, actor: Actor) -> tuple[Following, FollowOutcome]:
    async with services.sessions() as session:
        target = await account_of_actor(session, actor)
        if target is None or target.kind != "person":
            raise ActionError("Record not found", 404)
        await lock_account(session, target.id)  # two requests at once must not both insert
        me = await local_actor(session, services.urls, account)
        following = await _following(session, account, actor)
        if following is not None and following.state in (FollowState.ACCEPTED, FollowState.PENDING):
            return following, FollowOutcome.ALREADY
        if following is not None:
            await session.delete(following)
        await session.exec(delete(Follower).where(Follower.account_id == target.id, Follower.actor_id == me.id))
        await session.flush()
        state = FollowState.PENDING if target.manually_approves_followers else FollowState.ACCEPTED
        follow_uri = f"{services.urls.actor(account.username)}#follows/{uuid.uuid4().hex}"
        following = Following(account_id=account.id, actor_id=actor.id, follow_uri=follow_uri, state=state)
        session.add(following)
        session.add(Follower(account_id=target.id, actor_id=me.id, follow_uri=follow_uri, state=state))
        kind = NotificationKind.FOLLOW_REQUEST if state == FollowState.PENDING else NotificationKind.FOLLOW
        notify(session, target.id, kind, me, follow_uri)
        await session.commit()
        await session.refresh(following)
    _counts_changed(services, account, actor)
    return following, FollowOutcome.SENT if state == FollowState.PENDING else FollowOutcome.FOLLOWING


async def unfollow(services: Services, account: Account, actor: Actor) -> bool:
    """Stop following (or cancel the request); False if there was nothing to undo."""
    async with services.sessions() as session:
        following = await _following(session, account, actor)
        if following is None:
            return False
        await _sever(session, services, account, actor, following)
        await session.commit()
    _counts_changed(services, account, actor)
    services.wake_worker()
    return True


async def _sever(session: AsyncSession, services: Services, account: Account, actor: Actor,
                 following: Following) -> None:
    """Remove our follow of `actor`: the other side's Follower row if local, else an Undo{Follow}."""
    if actor.local:
        me = await local_actor(session, services.urls, account)
        await session.exec(delete(Follower).where(Follower.account_id == actor.account_id,
                                                  Follower.actor_id == me.id))
    elif following.state != FollowState.REJECTED:
        await send_undo_follow(session, services, account, actor, following)
    await session.delete(following)


async def follower_of(services: Services, account: Account, actor: Actor) -> Follower:
    """The follower row (or request) of `actor`; ActionError if they neither follow nor asked."""
    async with services.sessions() as session:
        follower = await _follower(session, account, actor)
    if follower is None:
        raise ActionError(f"{actor.uri} does not follow {account.username} and has not asked to", 404)
    return follower


async def approve(services: Services, account: Account, actor: Actor) -> tuple[Follower, bool]:
    """Accept a pending request; (row, False) if they followed already."""
    follower = await follower_of(services, account, actor)
    if follower.state == FollowState.ACCEPTED:
        return follower, False
    async with services.sessions() as session:
        follower = await session.get(Follower, follower.id)
        follower.state = FollowState.ACCEPTED
        session.add(follower)
        if actor.local:
            their = await _their_following(session, services, account, actor)
            if their is not None:
                their.state = FollowState.ACCEPTED
                session.add(their)
        else:
            follow_doc = await original_follow(session, follower, actor.uri, services.urls.actor(account.username))
            await send_accept(session, services, account, actor, follow_doc)
        await session.commit()
        await session.refresh(follower)
    _counts_changed(services, account, actor)
    services.wake_worker()
    return follower, True


async def reject(services: Services, account: Account, actor: Actor) -> Follower:
    """Refuse a request or remove a follower; a remote server hears Reject, a local artist's follow
    ends as rejected. Returns the removed row."""
    follower = await follower_of(services, account, actor)
    async with services.sessions() as session:
        await _remove_follower(session, services, account, actor, follower)
        await session.commit()
    _counts_changed(services, account, actor)
    services.wake_worker()
    return follower


async def _remove_follower(session: AsyncSession, services: Services, account: Account, actor: Actor,
                           follower: Follower, *, tell: bool = True) -> None:
    if actor.local:
        their = await _their_following(session, services, account, actor)
        if their is not None:
            their.state = FollowState.REJECTED
            session.add(their)
    elif tell:
        follow_doc = await original_follow(session, follower, actor.uri, services.urls.actor(account.username))
        await send_reject(session, services, account, actor, follow_doc)  # before the delete: its id names the row
    await session.exec(delete(Follower).where(Follower.account_id == account.id, Follower.actor_id == actor.id))


async def _their_following(session: AsyncSession, services: Services, account: Account,
                           actor: Actor) -> Following | None:
    """A local follower's own Following row pointing at `account`."""
    me = await local_actor(session, services.urls, account)
    return (await session.exec(select(Following).where(Following.account_id == actor.account_id,
                                                       Following.actor_id == me.id))).first()


async def sever_both_ways(session: AsyncSession, services: Services, account: Account, actor: Actor) -> None:
    """End every follow between `account` and `actor` (for a block); not committed.

    Our follow of a remote actor is undone with Undo{Follow}; their follow of us is dropped silently,
    since the Block that follows tells their server.
    """
    following = await _following(session, account, actor)
    if following is not None:
        await _sever(session, services, account, actor, following)
    follower = await _follower(session, account, actor)
    if follower is not None:
        if actor.local:
            their = await _their_following(session, services, account, actor)
            if their is not None:
                await session.delete(their)
        await session.exec(delete(Follower).where(Follower.account_id == account.id,
                                                  Follower.actor_id == actor.id))


async def _rows_page(services: Services, query, id_column, page: Page) -> list:
    async with services.sessions() as session:
        rows = await session.exec(query.where(*page.conditions(id_column)).order_by(page.order(id_column))
                                  .limit(page.limit))
        return page.arrange(list(rows.all()))


async def followers(services: Services, account: Account, page: Page, *,
                    state: FollowState = FollowState.ACCEPTED) -> list[tuple[Follower, Actor]]:
    """(Follower row, actor) pairs of an artist's followers (or requests), newest first, by row id."""
    query = (select(Follower, Actor).join(Actor, Follower.actor_id == Actor.id)
             .where(Follower.account_id == account.id, Follower.state == state))
    return await _rows_page(services, query, Follower.id, page)


async def follow_requests(services: Services, account: Account, page: Page) -> list[tuple[Follower, Actor]]:
    return await followers(services, account, page, state=FollowState.PENDING)


async def following(services: Services, account: Account, page: Page) -> list[tuple[Following, Actor]]:
    """(Following row, actor) pairs of the accounts an artist follows (accepted), newest first."""
    query = (select(Following, Actor).join(Actor, Following.actor_id == Actor.id)
             .where(Following.account_id == account.id, Following.state == FollowState.ACCEPTED))
    return await _rows_page(services, query, Following.id, page)


async def all_followers(sessions, account: Account) -> list[tuple[Follower, Actor]]:
    """Every follower and request, newest first (for the CLI listing)."""
    async with sessions() as session:
        rows = await session.exec(select(Follower, Actor).join(Actor, Follower.actor_id == Actor.id)
                                  .where(Follower.account_id == account.id)
                                  .order_by(Follower.created_at.desc(), Follower.id.desc()))
        return list(rows.all())
