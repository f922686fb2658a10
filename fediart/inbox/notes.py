"""Notes arriving in Create and Update: kept as RemotePost rows only when they concern an artist
(a reply to one of our posts, or a mention), with the origin rules that stop one server speaking
for another.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import select

from fediart.activitypub.fetch import fetch_document
from fediart.activitypub.hosts import same_origin
from fediart.inbox.local import hosts_allowed, id_of, ids_of, local_account, local_post, notify, parse_time, type_of
from fediart.services import Services
from fediart.store.fit import fit_url, stored_uri
from fediart.store.tables import InboxItem, Actor, RemotePost, Tombstone, utcnow
from fediart.text import sanitize_html

log = logging.getLogger("fediart.inbox")

NOTE_TYPES = {"Note", "Article", "Page"}
CONTENT_MAX = 100_000  # characters of HTML kept of a remote note; long-form Articles fit, floods don't
SUMMARY_MAX = 1000  # RemotePost.summary's column


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
    return obj


def _content(note: dict[str, Any]) -> str:
    content = note.get("content")
    if not isinstance(content, str):
        languages = note.get("contentMap") if isinstance(note.get("contentMap"), dict) else {}
        content = next((v for v in languages.values() if isinstance(v, str)), "")
    return fit_html(content, CONTENT_MAX)


def _summary(note: dict[str, Any]) -> str:
    summary = note.get("summary")
    return fit_html(summary, SUMMARY_MAX) if isinstance(summary, str) else ""


def fit_html(text: str, limit: int) -> str:
    """Sanitised HTML of at most `limit` characters, cut between tags and still well-formed."""
    budget = limit
    while budget > 0:
        cut = text[:budget]
        if cut.rfind("<") > cut.rfind(">"):  # half a tag or half an entity would show as text
            cut = cut[:cut.rfind("<")]
        if cut.rfind("&") > cut.rfind(";"):
            cut = cut[:cut.rfind("&")]
        clean = sanitize_html(cut)  # nh3 drops NUL too
        if len(clean) <= limit:
            return clean
        # Sanitising closed the elements the cut left open, or escaped characters: cut deeper.
        budget -= max(1, len(clean) - limit)
    return ""


def _url(note: dict[str, Any]) -> str | None:
    url = note.get("url")
    if isinstance(url, list):
        url = url[0] if url else None
    if isinstance(url, dict):
        url = url.get("href")
    return fit_url(url)


def _mentioned(note: dict[str, Any]) -> list[str]:
    """Actor IRIs the note mentions: Mention tags, and addressees (a direct post may carry no tag)."""
    tags = note.get("tag")
    tags = tags if isinstance(tags, list) else [tags]
    hrefs = [t.get("href") for t in tags if isinstance(t, dict) and t.get("type") == "Mention"]
    addressed = ids_of(note.get("to")) + ids_of(note.get("cc"))
    return list(dict.fromkeys([h for h in hrefs if isinstance(h, str)] + addressed))


async def on_create(services: Services, activity: dict[str, Any], item: InboxItem) -> None:
    """A reply to one of our posts or a mention of an artist becomes a RemotePost and notifications."""
    if type_of(activity.get("object")) not in (None, *NOTE_TYPES):  # a bare IRI is typed after fetching
        log.info("ignored Create %s of a %s", item.activity_uri, type_of(activity.get("object")))
        return
    note = await note_from_activity(services, activity, item)
    if note is None:
        return
    uri = stored_uri(note["id"])  # the key Update and Delete will look it up by
    async with services.sessions() as session:
        if await session.get(Tombstone, uri) is not None:
            log.info("ignored Create %s: %s was deleted already", item.activity_uri, uri)
            return
        if (await session.exec(select(RemotePost.id).where(RemotePost.uri == uri))).first() is not None:
            return  # the same note again (a resend, or Create after an Update we stored)
        in_reply_to = id_of(note.get("inReplyTo"))
        replied = await local_post(session, services, in_reply_to)
        mentioned = [a for a in [await local_account(session, services, href) for href in _mentioned(note)] if a]
    if replied is None and not mentioned:
        log.info("ignored Create %s: neither a reply to us nor a mention", item.activity_uri)
        return
    remote = await services.remote_actors.by_uri(item.actor_uri)
    async with services.sessions() as session:
        post = RemotePost(uri=uri, actor_id=remote.id, url=_url(note), content=_content(note),
                          summary=_summary(note), in_reply_to=fit_url(in_reply_to),
                          published=parse_time(note.get("published")) or utcnow())
        session.add(post)
        await session.flush()
        notified = set()
        if replied is not None:
            notify(session, replied.account_id, "reply", remote, item.activity_uri, post_id=replied.id,
                   remote_post_id=post.id)
            notified.add(replied.account_id)
        for account in mentioned:
            if account.id not in notified:  # a reply that also mentions its addressee is one notification
                notify(session, account.id, "mention", remote, item.activity_uri, remote_post_id=post.id)
                notified.add(account.id)
        await session.commit()


async def on_update(services: Services, activity: dict[str, Any], item: InboxItem) -> None:
    """An edit of a note we keep: only its author, from its own server, may change it."""
    note = await note_from_activity(services, activity, item)
    if note is None:
        return
    async with services.sessions() as session:
        post = (await session.exec(select(RemotePost).where(RemotePost.uri == stored_uri(note["id"])))).first()
        author = await session.get(Actor, post.actor_id) if post is not None else None
        if post is None or post.deleted_at is not None or author is None or author.uri != item.actor_uri:
            log.info("ignored Update %s: %s is not a note of %s kept here", item.activity_uri, note["id"],
                     item.actor_uri)
            return
        post.content = _content(note)
        post.summary = _summary(note)
        post.url = _url(note) or post.url
        post.updated = parse_time(note.get("updated")) or utcnow()
        session.add(post)
        await session.commit()
