"""Notes arriving in Create and Update: kept as RemotePost rows when they concern an artist (a reply to
one of our posts, a mention, or a post by someone an artist follows, for the home timeline), with the
origin rules that stop one server speaking for another.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.activitypub.fetch import fetch_document
from fediart.activitypub.hosts import host_of, same_origin
from fediart.inbox.local import (hosts_allowed, id_of, ids_of, local_account, local_post, local_post_id, notify,
                                 parse_time, type_of)
from fediart.policy.media import without_rejected_media
from fediart.inbox.note_fields import addressed, fit_html, note_fields_from_ap, visibility_of  # noqa: F401 (fit_html: tests)
from fediart.services import Services
from fediart.store.actors import local_actor
from fediart.store.fit import fit_url, stored_uri
from fediart.store.states import FollowState, StatusKind, Visibility
from fediart.store.status_refs import status_name
from fediart.store.tables import Actor, Following, InboxItem, Mention, RemotePost, Tombstone, utcnow
from fediart.streaming.hub import Event

log = logging.getLogger("fediart.inbox")

NOTE_TYPES = {"Note", "Article", "Page"}
# Mastodon keeps a post's audience fixed: an Update cannot widen who may see it.
_FIXED_ON_UPDATE = {"visibility"}


async def note_from_activity(services: Services, activity: dict[str, Any],
                             item: InboxItem) -> dict[str, Any] | None:
    """The Note an activity carries, if the actor may speak for it; None (with a log line) if not.

    The object must live on the actor's own server and be attributed to the actor. An embedded
    copy is then the actor's own word, already covered by the signature, and is taken as sent
    (as Mastodon does); a bare IRI is fetched from that same origin.
    """
    obj = activity.get("object")
    uri = id_of(obj)
    why = f"{item.activity_type} {item.activity_uri}"
    if uri is None or not same_origin(uri, item.actor_uri):
        log.info("ignored %s: object %s is not on the server of %s", why, uri, item.actor_uri)
        return None
    if not await hosts_allowed(services, uri, why=why):
        return None
    if not isinstance(obj, dict):
        obj = await fetch_document(services.http, uri, services.instance_signer, services.config)
    if type_of(obj) not in NOTE_TYPES:
        log.info("ignored %s: object type %s", why, type_of(obj))
        return None
    if item.actor_uri not in ids_of(obj.get("attributedTo")):
        log.info("ignored %s: %s is not attributed to %s", why, uri, item.actor_uri)
        return None
    # Every IRI it brings in, not only its sender: a reply into a suspended (or, in allowlist mode,
    # unlisted) server's thread, or a co-author there, drops the whole note.
    if not await hosts_allowed(services, id_of(obj.get("inReplyTo")), *ids_of(obj.get("attributedTo")), why=why):
        return None
    return obj


async def followed_by_an_artist(session: AsyncSession, actor_uri: str) -> bool:
    """Whether one of our artists follows this actor (accepted): its posts belong in a home timeline."""
    query = (select(Following.id).join(Actor, Actor.id == Following.actor_id)
             .where(Actor.uri == actor_uri, Following.state == FollowState.ACCEPTED))
    return (await session.exec(query)).first() is not None


async def known_note(session: AsyncSession, uri: str) -> tuple[bool, RemotePost | None]:
    """(tombstoned, the stored row) for a note's stored key."""
    if await session.get(Tombstone, uri) is not None:
        return True, None
    return False, (await session.exec(select(RemotePost).where(RemotePost.uri == uri))).first()


async def add_mentions(session: AsyncSession, services: Services, post: RemotePost, note: dict[str, Any]) -> list:
    """Mention rows for the actors the note names that we know; returns the local artists among them."""
    artists, actor_ids = [], set()
    hrefs = addressed(note)
    for href in hrefs:
        account = await local_account(session, services, href)
        if account is not None and account not in artists:
            artists.append(account)
            actor_ids.add((await local_actor(session, services.urls, account)).id)
    # Mentions of actors on servers we do not federate with are ignored (they were not fetched either).
    remote = [href for href in hrefs if (await services.policy.check_host(host_of(href))).allowed]
    if remote:
        known = await session.exec(select(Actor.id).where(Actor.uri.in_(remote), Actor.account_id.is_(None)))
        actor_ids |= set(known.all())
    for actor_id in actor_ids:
        session.add(Mention(remote_post_id=post.id, actor_id=actor_id))
    return artists


async def store_note(session: AsyncSession, services: Services, note: dict[str, Any], author: Actor) -> RemotePost:
    """A new RemotePost (flushed, with its Mention rows) for a note already checked."""
    post = RemotePost(uri=stored_uri(note["id"]), actor_id=author.id, in_reply_to=fit_url(id_of(note.get("inReplyTo"))),
                      published=parse_time(note.get("published")) or utcnow(),
                      **await without_rejected_media(services.policy, author.uri,
                                                     note_fields_from_ap(note, author.followers_url, author.licence)))
    session.add(post)
    await session.flush()
    return post


class NoteRefused(Exception):
    """A fetched document fediart will not keep as a post; the message says why, for a log or a person."""


async def store_fetched_note(services: Services, note: dict[str, Any], *, why: str,
                             page_url: str | None = None) -> RemotePost:
    """A note fetched from its own server (a boosted post, a pasted URL, a search result), stored as a
    RemotePost with its Mention rows, or the stored row if it is already known. NoteRefused when it may
    not be kept: not a note, several authors or one on another server, a blocked host, a tombstone."""
    target = note.get("id")
    authors = ids_of(note.get("attributedTo"))
    if not isinstance(target, str) or type_of(note) not in NOTE_TYPES or len(authors) != 1:
        raise NoteRefused(f"{target} is a {type_of(note)} with {len(authors)} authors, not a post")
    if not await hosts_allowed(services, target, authors[0], why=why):
        raise NoteRefused(f"{target} is on a server this instance does not federate with")
    if not same_origin(authors[0], target):
        raise NoteRefused(f"{target} claims an author on another server ({host_of(authors[0])}); refused")
    author = await services.remote_actors.by_uri(authors[0])
    if author.gone or author.local:
        raise NoteRefused(f"{target}'s author is gone")
    async with services.sessions() as session:
        tombstoned, post = await known_note(session, stored_uri(target))
        if tombstoned:
            raise NoteRefused(f"{target} was deleted")
        if post is not None:
            return post
        post = await store_note(session, services, note, await session.get(Actor, author.id))
        if page_url and page_url != target and post.url is None:
            post.url = fit_url(page_url)
        await add_mentions(session, services, post, note)
        try:
            await session.commit()
        except IntegrityError:  # stored meanwhile by the inbox or another request
            await session.rollback()
            stored = (await known_note(session, stored_uri(target)))[1]
            if stored is None:
                raise
            return stored
        await session.refresh(post)
        return post


async def on_create(services: Services, activity: dict[str, Any], item: InboxItem) -> None:
    """A reply to one of our posts, a mention of an artist, or a followed actor's post becomes a RemotePost
    (and notifications for the first two)."""
    if type_of(activity.get("object")) not in (None, *NOTE_TYPES):  # a bare IRI is typed after fetching
        log.info("ignored Create %s of a %s", item.activity_uri, type_of(activity.get("object")))
        return
    note = await note_from_activity(services, activity, item)
    if note is None:
        return
    async with services.sessions() as session:
        tombstoned, existing = await known_note(session, stored_uri(note["id"]))
        if tombstoned:
            log.info("ignored Create %s: %s was deleted already", item.activity_uri, note["id"])
            return
        if existing is not None:
            return  # the same note again (a resend, or Create after an Update we stored)
        replied = await local_post(session, services, id_of(note.get("inReplyTo")))
        mentioned = [a for a in [await local_account(session, services, href) for href in addressed(note)] if a]
        followed = await followed_by_an_artist(session, item.actor_uri)
    if replied is None and not mentioned and not followed:
        log.info("ignored Create %s: not a reply to us, a mention, or by anyone followed here", item.activity_uri)
        return
    remote = await services.remote_actors.by_uri(item.actor_uri)
    if replied is None and not mentioned and visibility_of(note, remote.followers_url) == Visibility.DIRECT:
        # Followed, but a message to others: nobody here may read it, so it is not kept.
        log.info("ignored Create %s: a direct message to others", item.activity_uri)
        return
    async with services.sessions() as session:
        post = await store_note(session, services, note, remote)
        mentioned = await add_mentions(session, services, post, note)
        notified = set()
        if replied is not None:
            notify(session, replied.account_id, "reply", remote, item.activity_uri, post_id=replied.id,
                   remote_post_id=post.id)
            notified.add(replied.account_id)
            services.cache.forget_post_page(replied.id, after=session)  # the page lists its replies
        for account in mentioned:
            if account.id not in notified:  # a reply that also mentions its addressee is one notification
                notify(session, account.id, "mention", remote, item.activity_uri, remote_post_id=post.id)
                notified.add(account.id)
        await session.commit()
    services.events.publish(Event.status(post))


async def on_update(services: Services, activity: dict[str, Any], item: InboxItem) -> None:
    """An edit of a note we keep: only its author, from its own server, may change it. An edit of a note
    we do not have yet is taken as its Create (the same rules decide whether it is kept)."""
    note = await note_from_activity(services, activity, item)
    if note is None:
        return
    async with services.sessions() as session:
        tombstoned, post = await known_note(session, stored_uri(note["id"]))
    if post is None and not tombstoned:
        # Create and Update are delivered and processed concurrently, so the edit can come first: keep
        # the note as it now is, as its Create would have (the late Create then finds it stored).
        await on_create(services, activity, item)
        return
    async with services.sessions() as session:
        post = (await session.exec(select(RemotePost).where(RemotePost.uri == stored_uri(note["id"])))).first()
        author = await session.get(Actor, post.actor_id) if post is not None else None
        if post is None or post.deleted_at is not None or author is None or author.uri != item.actor_uri:
            log.info("ignored Update %s: %s is not a note of %s kept here", item.activity_uri, note["id"],
                     item.actor_uri)
            return
        fields = await without_rejected_media(services.policy, author.uri,
                                              note_fields_from_ap(note, author.followers_url, author.licence))
        for key, value in fields.items():
            if key not in _FIXED_ON_UPDATE:
                setattr(post, key, value if value is not None or key != "url" else post.url)
        # Who the note names may change with an edit, and with it who may read a direct note.
        await session.exec(delete(Mention).where(Mention.remote_post_id == post.id))
        await add_mentions(session, services, post, note)
        post.updated = parse_time(note.get("updated")) or utcnow()
        session.add(post)
        replied = local_post_id(services, post.in_reply_to)
        if replied is not None:
            services.cache.forget_post_page(replied, after=session)  # the page shows the reply's words
        await session.commit()
    services.cache.forget(status_name(StatusKind.REMOTE, post.id))  # its cached Status entity is stale now
    services.events.publish(Event.edited(post))
