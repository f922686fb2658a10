"""Rows as Mastodon API entities (Account, Status, MediaAttachment, Relationship, Notification).

Every non-nullable field is present with its documented type, because the strict clients (Tusky, the
official apps, Ice Cubes, Ivory) drop or crash on a missing one: avatar and header are real image URLs,
nullable fields are an explicit null, dates are `YYYY-MM-DDTHH:MM:SS.sssZ`, ids are decimal strings.
Lists are converted in batches (one query per kind of row, not per item) by the `*_to_api` functions;
the pure helpers below them build one entity from rows already loaded.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html import unescape
from typing import Any

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.activitypub.actor import field_value_to_html
from fediart.activitypub.convert import post_licence
from fediart.activitypub.webfinger_client import acct_of
from fediart.licence.model import Licence
from fediart.store.states import FollowState, InteractionKind, Visibility
from fediart.store.tables import (
    Account,
    Actor,
    ActorRestriction,
    Bookmark,
    Follower,
    Following,
    Interaction,
    Media,
    Post,
    RemotePost,
)

# Mastodon's API calls followers-only posts "private".
API_VISIBILITY = {Visibility.PUBLIC: "public", Visibility.UNLISTED: "unlisted", Visibility.FOLLOWERS: "private",
                  Visibility.DIRECT: "direct"}
VISIBILITY_FROM_API = {"public": Visibility.PUBLIC, "unlisted": Visibility.UNLISTED,
                       "private": Visibility.FOLLOWERS, "direct": Visibility.DIRECT}


def api_time(moment: datetime | None) -> str | None:
    """`2026-11-26T16:41:57.000Z`: UTC, three-digit milliseconds, as Ice Cubes and Toot! parse it."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def api_date(moment: datetime | date | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%d")


def html_to_text(markup: str) -> str:
    """Plain text of our own stored HTML (a bio's source for editing): paragraphs and breaks kept."""
    text = re.sub(r"<br\s*/?>", "\n", markup)
    text = re.sub(r"</p>\s*<p[^>]*>", "\n\n", text)
    return unescape(re.sub(r"<[^>]+>", "", text)).strip()


def _midnight(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


# ---- accounts -------------------------------------------------------------------------------------

@dataclass
class AccountCounts:
    statuses: int = 0
    followers: int = 0
    following: int = 0
    last_status_at: datetime | None = None


def _is_listed(post_table: Any = Post) -> Any:
    return (post_table.deleted_at.is_(None)) & (post_table.visibility.in_([Visibility.PUBLIC, Visibility.UNLISTED]))


async def _local_counts(session: AsyncSession, account_ids: list[int]) -> dict[int, AccountCounts]:
    counts: dict[int, AccountCounts] = defaultdict(AccountCounts)
    if not account_ids:
        return counts
    rows = await session.exec(select(Post.account_id, func.count(), func.max(Post.published))
                              .where(Post.account_id.in_(account_ids), Post.deleted_at.is_(None))
                              .group_by(Post.account_id))
    for account_id, number, last in rows.all():
        counts[account_id].statuses = number
        counts[account_id].last_status_at = last
    rows = await session.exec(select(Follower.account_id, func.count()).where(
        Follower.account_id.in_(account_ids), Follower.state == FollowState.ACCEPTED).group_by(Follower.account_id))
    for account_id, number in rows.all():
        counts[account_id].followers = number
    rows = await session.exec(select(Following.account_id, func.count()).where(
        Following.account_id.in_(account_ids), Following.state == FollowState.ACCEPTED).group_by(Following.account_id))
    for account_id, number in rows.all():
        counts[account_id].following = number
    return counts


def local_account_to_api(actor: Actor, account: Account, counts: AccountCounts, base_url: str,
                         media_url: Any) -> dict[str, Any]:
    avatar = media_url(account.avatar_file) if account.avatar_file else f"{base_url}/static/avatar.png"
    header = media_url(account.header_file) if account.header_file else f"{base_url}/static/header.png"
    return {
        "id": str(actor.id),
        "username": account.username,
        "acct": account.username,
        "display_name": account.display_name or "",
        "locked": account.manually_approves_followers,
        "bot": False,
        "discoverable": account.discoverable,
        "indexable": account.indexable,
        "group": False,
        "hide_collections": False,
        "created_at": api_time(_midnight(account.created_at)),
        "note": account.summary or "",
        "url": actor.url or actor.uri,
        "uri": actor.uri,
        "avatar": avatar,
        "avatar_static": avatar,
        "header": header,
        "header_static": header,
        "followers_count": counts.followers,
        "following_count": counts.following,
        "statuses_count": counts.statuses,
        "last_status_at": api_date(counts.last_status_at),
        "emojis": [],
        "fields": [{"name": f.get("name", ""), "value": field_value_to_html(f.get("value", "")), "verified_at": None}
                   for f in account.fields],
        "roles": [],
    }


def remote_account_to_api(actor: Actor, base_url: str) -> dict[str, Any]:
    default_avatar = f"{base_url}/static/avatar.png"
    username = actor.username or actor.uri.rstrip("/").rsplit("/", 1)[-1]
    return {
        "id": str(actor.id),
        "username": username,
        "acct": acct_of(username, actor.uri),
        "display_name": actor.display_name or "",
        "locked": False,
        "bot": actor.actor_type in ("Service", "Application"),
        "discoverable": None,
        "indexable": False,
        "group": actor.actor_type == "Group",
        "hide_collections": None,
        "created_at": api_time(_midnight(actor.fetched_at)),
        "note": actor.summary or "",
        "url": actor.url or actor.uri,
        "uri": actor.uri,
        "avatar": actor.icon_url or default_avatar,
        "avatar_static": actor.icon_url or default_avatar,
        "header": f"{base_url}/static/header.png",
        "header_static": f"{base_url}/static/header.png",
        "followers_count": 0,
        "following_count": 0,
        "statuses_count": 0,
        "last_status_at": None,
        "emojis": [],
        "fields": [],
        "roles": [],
    }


async def accounts_to_api(services: Any, session: AsyncSession, actors: Sequence[Actor]) -> list[dict[str, Any]]:
    """Account entities for these actors, local or remote, in the same order."""
    local_ids = [a.account_id for a in actors if a.account_id is not None]
    accounts = {a.id: a for a in (await session.exec(select(Account).where(Account.id.in_(local_ids)))).all()} \
        if local_ids else {}
    counts = await _local_counts(session, local_ids)
    base = services.config.base_url
    found = []
    for actor in actors:
        account = accounts.get(actor.account_id) if actor.account_id is not None else None
        if account is not None:
            found.append(local_account_to_api(actor, account, counts[account.id], base, services.urls.media))
        else:
            found.append(remote_account_to_api(actor, base))
    return found


async def account_to_api(services: Any, session: AsyncSession, actor: Actor) -> dict[str, Any]:
    return (await accounts_to_api(services, session, [actor]))[0]


async def credential_account_to_api(services: Any, session: AsyncSession, actor: Actor,
                                    account: Account) -> dict[str, Any]:
    """verify_credentials: the Account plus `source`, which clients read for their posting defaults."""
    doc = await account_to_api(services, session, actor)
    requests = (await session.exec(select(func.count()).select_from(Follower).where(
        Follower.account_id == account.id, Follower.state == FollowState.PENDING))).one()
    doc["source"] = {
        "privacy": "public",
        "sensitive": False,
        "language": services.config.server.default_language,
        "note": html_to_text(account.summary or ""),
        "fields": [{"name": f.get("name", ""), "value": f.get("value", ""), "verified_at": None}
                   for f in account.fields],
        "follow_requests_count": requests,
        "indexable": account.indexable,
        "hide_collections": False,
        "discoverable": account.discoverable,
        # fediart's own: the artist's licence choices, so a client (or the studio) can show and edit them.
        "licence": licence_to_api(services.licence_for(account)),
    }
    doc["role"] = None
    return doc


def licence_to_api(licence: Licence) -> dict[str, Any]:
    """fediart's licence extension on entities: what the work may be used for, machine-readable."""
    return {
        "key": licence.key,
        "name": licence.name,
        "url": licence.url,
        "ai_training": "reserved" if licence.ai_training_reserved else "allowed",
        "generative_ai_training_only": licence.generative_only,
        "search_indexing": licence.search_indexing,
        "terms_url": licence.usage_info_url,
        "summary": licence.summary,
    }


# ---- relationships --------------------------------------------------------------------------------

async def relationships_to_api(session: AsyncSession, viewer: Account, viewer_actor: Actor,
                               actors: Sequence[Actor]) -> list[dict[str, Any]]:
    """Relationship entities: every boolean present, as Tusky and the official apps require."""
    ids = [a.id for a in actors]
    following = {f.actor_id: f for f in (await session.exec(select(Following).where(
        Following.account_id == viewer.id, Following.actor_id.in_(ids)))).all()}
    followers = {f.actor_id: f for f in (await session.exec(select(Follower).where(
        Follower.account_id == viewer.id, Follower.actor_id.in_(ids)))).all()}
    restrictions = defaultdict(set)
    for r in (await session.exec(select(ActorRestriction).where(
            ActorRestriction.account_id == viewer.id, ActorRestriction.actor_id.in_(ids)))).all():
        restrictions[r.actor_id].add(r.kind)
    # A local actor may block the viewer too: that is `blocked_by`.
    local_accounts = [a.account_id for a in actors if a.account_id is not None]
    blocked_by = set()
    if local_accounts:
        blocked_by = {r.account_id for r in (await session.exec(select(ActorRestriction).where(
            ActorRestriction.account_id.in_(local_accounts), ActorRestriction.actor_id == viewer_actor.id,
            ActorRestriction.kind == "block"))).all()}
    found = []
    for actor in actors:
        out, into = following.get(actor.id), followers.get(actor.id)
        found.append({
            "id": str(actor.id),
            "following": out is not None and out.state == FollowState.ACCEPTED,
            "showing_reblogs": out is not None and out.state == FollowState.ACCEPTED,
            "notifying": False,
            "languages": None,
            "followed_by": into is not None and into.state == FollowState.ACCEPTED,
            "blocking": "block" in restrictions[actor.id],
            "blocked_by": actor.account_id in blocked_by,
            "muting": "mute" in restrictions[actor.id],
            "muting_notifications": "mute" in restrictions[actor.id],
            "requested": out is not None and out.state == FollowState.PENDING,
            "requested_by": into is not None and into.state == FollowState.PENDING,
            "domain_blocking": False,
            "endorsed": False,
            "note": "",
        })
    return found


# ---- media ----------------------------------------------------------------------------------------

def _meta(width: int | None, height: int | None) -> dict[str, Any]:
    if not width or not height:
        return {}
    return {"width": width, "height": height, "size": f"{width}x{height}", "aspect": width / height}


def media_to_api(media: Media, urls: Any) -> dict[str, Any]:
    small_w, small_h = _thumbnail_size(media.width, media.height)
    return {
        "id": str(media.id),
        "type": "gifv" if media.media_type == "video/mp4" else "image",
        "url": urls.media(media.file),
        "preview_url": urls.media(media.thumbnail_file),
        "remote_url": None,
        "preview_remote_url": None,
        "text_url": None,
        "meta": {
            "original": _meta(media.width, media.height),
            "small": _meta(small_w, small_h),
            "focus": {"x": media.focal_x, "y": media.focal_y},
        },
        "description": media.description or None,
        "blurhash": media.blurhash or None,
    }


def _thumbnail_size(width: int, height: int, edge: int = 640) -> tuple[int, int]:
    scale = min(1.0, edge / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def remote_attachment_to_api(post_id: int, index: int, item: dict[str, Any]) -> dict[str, Any]:
    """A remote post's attachment, shown by its remote URL (fediart does not cache remote media yet)."""
    url = item.get("url")
    kind = str(item.get("media_type") or "")
    entity_type = ("image" if kind.startswith("image/") or not kind else "video" if kind.startswith("video/")
                   else "audio" if kind.startswith("audio/") else "unknown")
    return {
        # Remote attachments have no row; an id derived from the post's keeps them apart and numeric.
        "id": str(post_id * 16 + index),
        "type": entity_type,
        "url": url,
        "preview_url": url,
        "remote_url": url,
        "preview_remote_url": None,
        "text_url": None,
        "meta": {"original": _meta(item.get("width"), item.get("height")),
                 "focus": {"x": item.get("focal_x") or 0.0, "y": item.get("focal_y") or 0.0}},
        "description": item.get("description") or None,
        "blurhash": item.get("blurhash") or None,
    }


# ---- statuses -------------------------------------------------------------------------------------

@dataclass
class StatusRows:
    """Everything a batch of statuses needs, loaded with one query per kind of row."""

    actors: dict[int, Actor] = field(default_factory=dict)
    accounts: dict[int, dict[str, Any]] = field(default_factory=dict)  # actor id -> Account entity
    media: dict[int, list[Media]] = field(default_factory=dict)
    counts: dict[tuple[str, int], dict[str, int]] = field(default_factory=dict)
    mine: dict[tuple[str, int], set[str]] = field(default_factory=dict)  # ("post"|"remote", id) -> flags
    mention_actors: dict[str, Actor] = field(default_factory=dict)
    reply_targets: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # uri -> (kind, id, actor)
    account_rows: dict[int, Account] = field(default_factory=dict)
    post_uris: dict[int, str] = field(default_factory=dict)  # post id -> its URI


StatusItem = Post | RemotePost | Interaction


async def statuses_to_api(services: Any, session: AsyncSession, items: Sequence[StatusItem],
                          viewer: Account | None = None) -> list[dict[str, Any]]:
    """Status entities for local posts, remote posts and boosts (Interaction rows), in order."""
    boosts = [i for i in items if isinstance(i, Interaction)]
    boosted_posts = {p.id: p for p in await _rows(session, Post, [b.post_id for b in boosts if b.post_id])}
    boosted_remote = {p.id: p for p in await _rows(session, RemotePost, [b.remote_post_id for b in boosts
                                                                         if b.remote_post_id])}
    posts = [i for i in items if isinstance(i, Post)] + list(boosted_posts.values())
    remotes = [i for i in items if isinstance(i, RemotePost)] + list(boosted_remote.values())
    rows = await _load(services, session, posts, remotes, boosts, viewer)
    found = []
    for item in items:
        if isinstance(item, Interaction):
            inner = boosted_posts.get(item.post_id) if item.post_id else boosted_remote.get(item.remote_post_id)
            if inner is None:
                continue
            found.append(_boost_to_api(services, item, _status(services, inner, rows, viewer), rows))
        else:
            found.append(_status(services, item, rows, viewer))
    return found


async def status_to_api(services: Any, session: AsyncSession, item: StatusItem,
                        viewer: Account | None = None) -> dict[str, Any]:
    found = await statuses_to_api(services, session, [item], viewer)
    if not found:
        raise LookupError("the boosted post is gone")
    return found[0]


async def _rows(session: AsyncSession, table: Any, ids: Iterable[int]) -> list[Any]:
    ids = list(set(ids))
    return list((await session.exec(select(table).where(table.id.in_(ids)))).all()) if ids else []


async def _load(services: Any, session: AsyncSession, posts: list[Post], remotes: list[RemotePost],
                boosts: list[Interaction], viewer: Account | None) -> StatusRows:
    rows = StatusRows()
    account_ids = {p.account_id for p in posts}
    rows.account_rows = {a.id: a for a in await _rows(session, Account, account_ids)}
    local_actors = (await session.exec(select(Actor).where(Actor.account_id.in_(account_ids)))).all() \
        if account_ids else []
    actor_ids = {r.actor_id for r in remotes} | {b.actor_id for b in boosts}
    actors = list(local_actors) + await _rows(session, Actor, actor_ids)
    mention_uris = {t["href"] for p in posts for t in p.tags if t.get("type") == "Mention" and t.get("href")}
    mention_uris |= {uri for r in remotes for uri in r.mentions if isinstance(uri, str)}
    if mention_uris:
        for actor in (await session.exec(select(Actor).where(Actor.uri.in_(mention_uris)))).all():
            rows.mention_actors[actor.uri] = actor
    rows.actors = {a.id: a for a in actors}
    missing_local = account_ids - {a.account_id for a in local_actors}
    if missing_local:  # an artist made before their actor row: make it now
        from fediart.store.actors import local_actor

        for account_id in missing_local:
            actor = await local_actor(session, services.urls, rows.account_rows[account_id])
            rows.actors[actor.id] = actor
        await session.commit()
    entities = await accounts_to_api(services, session, list(rows.actors.values()))
    rows.accounts = {int(e["id"]): e for e in entities}
    if posts:
        for media in (await session.exec(select(Media).where(Media.post_id.in_([p.id for p in posts]))
                                         .order_by(Media.position))).all():
            rows.media.setdefault(media.post_id, []).append(media)
    rows.post_uris = {p.id: services.urls.status(rows.account_rows[p.account_id].username, p.id) for p in posts}
    await _counts(session, rows, posts, remotes)
    if viewer is not None:
        await _viewer_flags(services, session, rows, posts, remotes, viewer)
    await _reply_targets(services, session, rows, posts, remotes)
    return rows


async def _counts(session: AsyncSession, rows: StatusRows, posts: list[Post], remotes: list[RemotePost]) -> None:
    for column, key, ids in ((Interaction.post_id, "post", [p.id for p in posts]),
                             (Interaction.remote_post_id, "remote", [r.id for r in remotes])):
        if not ids:
            continue
        result = await session.exec(select(column, Interaction.kind, func.count()).where(column.in_(ids))
                                    .group_by(column, Interaction.kind))
        for target, kind, number in result.all():
            rows.counts.setdefault((key, target), {})[kind] = number
    # Replies are counted from the replies fediart holds, local and remote, by the parent's URI.
    by_uri = {uri: ("post", post_id) for post_id, uri in rows.post_uris.items()}
    by_uri.update({r.uri: ("remote", r.id) for r in remotes})
    if by_uri:
        for table in (RemotePost, Post):
            result = await session.exec(select(table.in_reply_to, func.count()).where(
                table.in_reply_to.in_(list(by_uri)), table.deleted_at.is_(None)).group_by(table.in_reply_to))
            for parent, number in result.all():
                counts = rows.counts.setdefault(by_uri[parent], {})
                counts["reply"] = counts.get("reply", 0) + number


async def _viewer_flags(services: Any, session: AsyncSession, rows: StatusRows, posts: list[Post],
                        remotes: list[RemotePost], viewer: Account) -> None:
    from fediart.store.actors import local_actor

    me = await local_actor(session, services.urls, viewer)
    for column, key, ids in ((Interaction.post_id, "post", [p.id for p in posts]),
                             (Interaction.remote_post_id, "remote", [r.id for r in remotes])):
        if ids:
            for target, kind in (await session.exec(select(column, Interaction.kind).where(
                    column.in_(ids), Interaction.actor_id == me.id))).all():
                rows.mine.setdefault((key, target), set()).add(kind)
    for column, key, ids in ((Bookmark.post_id, "post", [p.id for p in posts]),
                             (Bookmark.remote_post_id, "remote", [r.id for r in remotes])):
        if ids:
            # One selected column: sqlmodel hands back the values themselves, not 1-tuples.
            for target in (await session.exec(select(column).where(
                    column.in_(ids), Bookmark.account_id == viewer.id))).all():
                rows.mine.setdefault((key, target), set()).add("bookmark")


async def _reply_targets(services: Any, session: AsyncSession, rows: StatusRows, posts: list[Post],
                         remotes: list[RemotePost]) -> None:
    """in_reply_to_id and in_reply_to_account_id: the parents fediart has, local or remote."""
    parents = {p.in_reply_to for p in [*posts, *remotes] if p.in_reply_to}
    if not parents:
        return
    for remote in (await session.exec(select(RemotePost).where(RemotePost.uri.in_(parents)))).all():
        rows.reply_targets[remote.uri] = ("remote", remote.id, remote.actor_id)
    local_ids = {}
    prefix = services.urls.base + "/users/"
    for uri in parents:
        if uri.startswith(prefix) and "/statuses/" in uri:
            tail = uri.rsplit("/statuses/", 1)[1]
            if tail.isdigit():
                local_ids[int(tail)] = uri
    if local_ids:
        found = (await session.exec(select(Post, Actor).join(Actor, Actor.account_id == Post.account_id)
                                    .where(Post.id.in_(list(local_ids))))).all()
        for post, actor in found:
            rows.reply_targets[local_ids[post.id]] = ("post", post.id, actor.id)


def _mention_to_api(actor: Actor) -> dict[str, Any]:
    username = actor.username or actor.uri.rstrip("/").rsplit("/", 1)[-1]
    return {"id": str(actor.id), "username": username,
            "acct": username if actor.local else acct_of(username, actor.uri), "url": actor.url or actor.uri}


def _status(services: Any, item: Post | RemotePost, rows: StatusRows, viewer: Account | None) -> dict[str, Any]:
    urls = services.urls
    if isinstance(item, Post):
        key = ("post", item.id)
        account_row = rows.account_rows[item.account_id]
        actor = next(a for a in rows.actors.values() if a.account_id == item.account_id)
        licence = post_licence(services.licence_for(account_row), item.licence_key)
        mention_uris = [t["href"] for t in item.tags if t.get("type") == "Mention" and t.get("href")]
        tags = [t["name"].lstrip("#") for t in item.tags if t.get("type") == "Hashtag" and t.get("name")]
        doc = {
            "id": str(item.id),
            "uri": urls.status(account_row.username, item.id),
            "url": urls.status_page(account_row.username, item.id),
            "created_at": api_time(item.published),
            "edited_at": api_time(item.updated),
            "content": item.content,
            "text": None,
            "spoiler_text": item.summary or "",
            "visibility": API_VISIBILITY.get(item.visibility, "public"),
            "sensitive": bool(item.sensitive or item.summary),
            "language": item.language or services.config.server.default_language,
            "media_attachments": [media_to_api(m, urls) for m in rows.media.get(item.id, [])],
            "pinned": item.pinned_at is not None,
            "licence": licence_to_api(licence),
        }
    else:
        key = ("remote", item.id)
        actor = rows.actors[item.actor_id]
        mention_uris = [u for u in item.mentions if isinstance(u, str)]
        tags = [str(t) for t in item.tags]
        doc = {
            "id": str(item.id),
            "uri": item.uri,
            # An over-long id is stored as urn:sha256:…, which is no URL for a client to open.
            "url": item.url or (item.uri if item.uri.startswith(("https://", "http://")) else None),
            "created_at": api_time(item.published or _fallback_time(item.id)),
            "edited_at": api_time(item.updated),
            "content": item.content,
            "text": None,
            "spoiler_text": item.summary or "",
            "visibility": API_VISIBILITY.get(item.visibility, "public"),
            "sensitive": bool(item.sensitive or item.summary),
            "language": item.language,
            "media_attachments": [remote_attachment_to_api(item.id, i, a) for i, a in enumerate(item.attachments[:16])
                                  if isinstance(a, dict) and a.get("url")],
            "pinned": False,
            "licence": item.licence,
        }
    counts = rows.counts.get(key, {})
    mine = rows.mine.get(key, set())
    parent = rows.reply_targets.get(item.in_reply_to or "")
    doc.update({
        "account": rows.accounts[actor.id],
        "in_reply_to_id": str(parent[1]) if parent else None,
        "in_reply_to_account_id": str(parent[2]) if parent else None,
        "reblog": None,
        "application": None,
        "mentions": [_mention_to_api(rows.mention_actors[u]) for u in mention_uris if u in rows.mention_actors],
        "tags": [{"name": t, "url": urls.tag(t)} for t in tags],
        "emojis": [],
        "card": None,
        "poll": None,
        "replies_count": counts.get("reply", 0),
        "reblogs_count": counts.get(InteractionKind.BOOST, 0),
        "favourites_count": counts.get(InteractionKind.LIKE, 0),
    })
    if viewer is not None:
        doc.update({
            "favourited": InteractionKind.LIKE in mine,
            "reblogged": InteractionKind.BOOST in mine,
            "bookmarked": "bookmark" in mine,
            "muted": False,
            "filtered": [],
        })
        doc["pinned"] = bool(doc["pinned"] and isinstance(item, Post) and item.account_id == viewer.id)
    else:
        doc.pop("pinned")  # Mastodon sends the viewer's flags only to a signed-in viewer
    return doc


def _fallback_time(snowflake: int) -> datetime:
    return datetime.fromtimestamp((snowflake >> 16) / 1000, UTC)


def _boost_to_api(services: Any, boost: Interaction, inner: dict[str, Any], rows: StatusRows) -> dict[str, Any]:
    """The wrapper status Mastodon shows for a boost: its own id and time, the original in `reblog`."""
    doc = {key: inner[key] for key in inner}
    doc.update({
        "id": str(boost.id),
        "uri": boost.activity_uri,
        "url": boost.activity_uri,
        "created_at": api_time(boost.created_at),
        "edited_at": None,
        "content": "",
        "spoiler_text": "",
        "sensitive": False,
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "account": rows.accounts[boost.actor_id],
        "reblog": inner,
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
        "licence": None,
    })
    return doc
