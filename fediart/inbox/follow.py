"""Follows arriving: a remote Follow of an artist (answered with Accept, or held for approval), and
remote Accept/Reject of a Follow we sent.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from sqlmodel import select

from fediart.activitypub.hosts import host_of
from fediart.inbox.local import actor_row, follower_row, id_of, local_account, lock_account, notify, type_of
from fediart.outbox.follow import send_accept
from fediart.services import Services
from fediart.store.tables import Follower, Following, InboxItem, Actor

log = logging.getLogger("fediart.inbox")


async def on_follow(services: Services, activity: dict[str, Any], item: InboxItem) -> None:
    """A remote actor follows one of our artists: record it, then accept or ask the artist."""
    async with services.sessions() as session:
        account = await local_account(session, services, id_of(activity.get("object")))
    if account is None:
        log.info("ignored Follow %s: %s is not an artist here", item.activity_uri, id_of(activity.get("object")))
        return
    # Fetched (or refreshed when stale) before the transaction: no network I/O while rows are locked.
    remote = await services.remote_actors.by_uri(item.actor_uri)
    if remote.gone:
        return
    async with services.sessions() as session:
        await lock_account(session, account.id)  # two Follows from one actor may be processed at once
        follower = await follower_row(session, account.id, remote.id)
        if follower is not None:
            # A repeated Follow: the remote lost our Accept or forgot the follow. One row, and the
            # Accept again if we had accepted; a pending request simply waits for the artist.
            follower.follow_uri = item.activity_uri
            session.add(follower)
            if follower.state == "accepted":
                await send_accept(session, services, account, remote, activity)
            await session.commit()
            log.info("repeated Follow of %s by %s (%s)", account.username, remote.uri, follower.state)
            return
        # A follower from a silenced (limited) server always waits for the artist, as on Mastodon.
        manual = account.manually_approves_followers or await _from_silenced(services, remote.uri)
        follower = Follower(account_id=account.id, actor_id=remote.id, follow_uri=item.activity_uri,
                            state="pending" if manual else "accepted")
        session.add(follower)
        await session.flush()  # the Accept's id carries the row id
        if not manual:
            await send_accept(session, services, account, remote, activity)
        notify(session, account.id, "follow_request" if manual else "follow", remote, item.activity_uri)
        await session.commit()


async def _from_silenced(services: Services, uri: str) -> bool:
    rule = await services.policy.rule_for(host_of(uri))
    if rule is not None and rule.silenced:
        log.info("Follow by %s held for approval: its server is limited (rule for %s)", uri, rule.domain)
        return True
    return False


async def original_follow(session, follower: Follower, follower_uri: str, our_actor: str) -> dict[str, Any]:
    """The Follow as the remote sent it (kept in its inbox item), or a faithful rebuild of it."""
    stored = (await session.exec(select(InboxItem.body).where(InboxItem.activity_uri == follower.follow_uri))).first()
    if stored:
        activity = orjson.loads(stored)
        if isinstance(activity, dict) and activity.get("type") == "Follow":
            return activity
    return {"id": follower.follow_uri, "type": "Follow", "actor": follower_uri, "object": our_actor}


async def on_accept(services: Services, activity: dict[str, Any], item: InboxItem) -> None:
    await _answer_to_our_follow(services, activity, item, "accepted")


async def on_reject(services: Services, activity: dict[str, Any], item: InboxItem) -> None:
    await _answer_to_our_follow(services, activity, item, "rejected")


async def _answer_to_our_follow(services: Services, activity: dict[str, Any], item: InboxItem, state: str) -> None:
    obj = activity.get("object")
    if isinstance(obj, dict) and type_of(obj) not in (None, "Follow"):
        # GoToSocial approves replies, likes and boosts with Accept{Like…} and a `result`; fediart
        # asks for no approvals, so there is nothing to record.
        log.info("ignored %s of a %s (%s): not about a follow", item.activity_type, type_of(obj), item.activity_uri)
        return
    async with services.sessions() as session:
        sender = await actor_row(session, item.actor_uri)
        following = await _our_follow(session, services, obj, sender)
        if following is None:
            log.info("ignored %s %s: it answers no Follow of ours", item.activity_type, item.activity_uri)
            return
        if sender is None or following.actor_id != sender.id:
            # Only the followed actor may answer our Follow (compare actors, not hosts).
            log.warning("ignored %s %s: %s answers a Follow sent to someone else", item.activity_type,
                        item.activity_uri, item.actor_uri)
            return
        following.state = state
        session.add(following)
        await session.commit()
    log.info("our follow %s was %s by %s", following.follow_uri, state, item.actor_uri)


async def _our_follow(session, services: Services, obj: Any, sender: Actor | None) -> Following | None:
    follow_id = id_of(obj)
    if follow_id:
        found = (await session.exec(select(Following).where(Following.follow_uri == follow_id))).first()
        if found is not None or not isinstance(obj, dict):
            return found
    # Some servers answer with an embedded Follow that lacks our id: match the pair of actors.
    if not isinstance(obj, dict) or sender is None or id_of(obj.get("object")) != sender.uri:
        return None
    account = await local_account(session, services, id_of(obj.get("actor")))
    if account is None:
        return None
    query = select(Following).where(Following.account_id == account.id, Following.actor_id == sender.id)
    return (await session.exec(query.order_by(Following.id.desc()))).first()
