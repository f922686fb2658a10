"""Posts, remote posts and boosts as Mastodon Status entities, a page at a time: each status's
viewer-independent part out of the document cache (api/status_own.py builds the missing ones), its
author's Account entity likewise (shared_accounts_to_api), and in ONE statement per page what changes
per request or per viewer: counts, the viewer's flags, reply parents (and, when asked, which are live).

A boost is its own status (its Interaction row's id and time) with the original in `reblog`; a status
carries fediart's `licence` extension; the viewer's flags (`favourited`, `reblogged`, `bookmarked`,
`pinned`) are sent only to a signed-in viewer, as Mastodon does. The entities share the cached parts'
objects: callers may copy an entity, never change what is inside it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, case, func, literal_column, null, union_all
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.api.account_entities import shared_accounts_to_api
from fediart.api.formats import api_time
from fediart.api.status_own import STATUS, OwnStatus, own_statuses, rows_by_id
from fediart.store.states import InteractionKind, StatusKind
from fediart.store.status_refs import BoostFields, StatusRef, ref_of
from fediart.store.tables import Account, Actor, Bookmark, Interaction, Post, RemotePost

StatusItem = Post | RemotePost | Interaction | StatusRef
Key = tuple[StatusKind, int]


def _ids(name: str) -> Any:
    return bindparam(name, expanding=True)


def _part(name: str) -> Any:
    return literal_column(f"'{name}'")


# The facts about a page's statuses that change per request, in ONE statement of tagged parts with the
# columns (part, status id, parent URI, kind, number, by the viewer), built once with bind parameters:
#   post/remote: likes and boosts per status and kind, and whether the viewer's actor made one (the
#                viewer is `account`, -1 for none; no actor row yet matches nothing);
#   reply:       replies fediart holds (remote and local, live) per parent URI;
#   bookmark-post/bookmark-remote: the statuses the viewer bookmarked;
#   parent-remote/parent-post: the replied-to statuses fediart has (id and author's actor in `number`);
#   live-post/live-remote (only in the checking statement): which statuses are not deleted.
_ME = select(Actor.id).where(Actor.account_id == bindparam("account")).scalar_subquery()
_PARTS = [
    *(select(_part(key), column, null(), Interaction.kind, func.count(),
             func.sum(case((Interaction.actor_id == _ME, 1), else_=0)))
      .where(column.in_(_ids(f"{key}_ids"))).group_by(column, Interaction.kind)
      for column, key in ((Interaction.post_id, "post"), (Interaction.remote_post_id, "remote"))),
    *(select(_part("reply"), null(), table.in_reply_to, null(), func.count(), literal_column("0"))
      .where(table.in_reply_to.in_(_ids("uris")), table.deleted_at.is_(None)).group_by(table.in_reply_to)
      for table in (RemotePost, Post)),
    *(select(_part(f"bookmark-{key}"), column, null(), null(), literal_column("0"), literal_column("1"))
      .where(Bookmark.account_id == bindparam("account"), column.in_(_ids(f"{key}_ids")))
      for column, key in ((Bookmark.post_id, "post"), (Bookmark.remote_post_id, "remote"))),
    select(_part("parent-remote"), RemotePost.id, RemotePost.uri, null(), RemotePost.actor_id, literal_column("0"))
    .where(RemotePost.uri.in_(_ids("parent_uris"))),
    select(_part("parent-post"), Post.id, null(), null(), Actor.id, literal_column("0"))
    .join(Actor, Actor.account_id == Post.account_id).where(Post.id.in_(_ids("parent_ids"))),
]
_LIVE = [select(_part(f"live-{key}"), table.id, null(), null(), literal_column("0"), literal_column("0"))
         .where(table.id.in_(_ids(f"{key}_ids")), table.deleted_at.is_(None))
         for table, key in ((Post, "post"), (RemotePost, "remote"))]
_FACTS = {False: union_all(*_PARTS), True: union_all(*_PARTS, *_LIVE)}


@dataclass
class _Facts:
    counts: dict[Key, dict[str, int]] = field(default_factory=dict)
    mine: dict[Key, set[str]] = field(default_factory=dict)  # the viewer's likes, boosts, bookmarks
    parents: dict[str, tuple[str, str]] = field(default_factory=dict)  # uri -> (status id, author actor id)
    live: set[Key] = field(default_factory=set)


async def statuses_to_api(services: Any, session: AsyncSession, items: Sequence[StatusItem],
                          viewer: Account | None = None, *, live_only: bool = False) -> list[dict[str, Any]]:
    """Status entities for local posts, remote posts and boosts (rows or references), in order; a boost
    of a post that is gone is left out. With `live_only`, so is a deleted post (the caller has not
    checked)."""
    found = await _entities(services, session, items, viewer, live_only)
    return [doc for doc in found if doc is not None]


async def status_to_api(services: Any, session: AsyncSession, item: StatusItem,
                        viewer: Account | None = None) -> dict[str, Any]:
    found = await statuses_to_api(services, session, [item], viewer)
    if not found:
        raise LookupError("the boosted post is gone")
    return found[0]


async def statuses_by_key(services: Any, session: AsyncSession, keys: Sequence[Key], viewer: Account | None,
                          *, live_only: bool = False) -> dict[Key, dict[str, Any]]:
    """Status entities of these (kind, id) keys, left out when missing (or deleted, with `live_only`)."""
    refs = [StatusRef(kind, status_id) for kind, status_id in dict.fromkeys(keys)]
    found = await _entities(services, session, refs, viewer, live_only)
    return {(ref.kind, ref.id): doc for ref, doc in zip(refs, found) if doc is not None}


async def _entities(services: Any, session: AsyncSession, items: Sequence[StatusItem], viewer: Account | None,
                    live_only: bool) -> list[dict[str, Any] | None]:
    refs = [ref_of(item) for item in items]
    known = {(StatusKind.POST if isinstance(i, Post) else StatusKind.REMOTE, i.id): i for i in items
             if isinstance(i, (Post, RemotePost))}
    inner = {ref.inner: None for ref in refs if ref.inner is not None}
    owns = await _own_parts(services, session, list(inner), known)
    accounts = await shared_accounts_to_api(
        services, session, {own.actor_id for own in owns.values()} | {r.boost.actor_id for r in refs if r.boost})
    facts = await _facts(services, session, owns, viewer, live_only)
    found: list[dict[str, Any] | None] = []
    for ref in refs:
        own = owns.get(ref.inner) if ref.inner is not None else None
        if own is None or own.actor_id not in accounts or (live_only and ref.inner not in facts.live):
            found.append(None)
            continue
        doc = _assemble(ref.inner, own, accounts[own.actor_id], facts, viewer)
        if ref.boost is not None:
            if ref.boost.actor_id not in accounts:
                found.append(None)
                continue
            doc = boost_to_api(ref.boost, doc, accounts[ref.boost.actor_id])
        found.append(doc)
    return found


async def _own_parts(services: Any, session: AsyncSession, keys: list[Key],
                     known: dict[Key, Post | RemotePost]) -> dict[Key, OwnStatus]:
    """The cached own parts of these statuses, the missing ones built from their rows (those the caller
    holds, the others read by id); a status without a row is left out."""
    found: dict[Key, OwnStatus] = {}
    missing: dict[StatusKind, list[int]] = {StatusKind.POST: [], StatusKind.REMOTE: []}
    for key in keys:
        own = services.cache.recall((STATUS, *key))
        if own is None:
            missing[key[0]].append(key[1])
        else:
            found[key] = own
    if missing[StatusKind.POST] or missing[StatusKind.REMOTE]:
        rows = {}
        for kind, table in ((StatusKind.POST, Post), (StatusKind.REMOTE, RemotePost)):
            held = [known[(kind, i)] for i in missing[kind] if (kind, i) in known]
            unread = [i for i in missing[kind] if (kind, i) not in known]
            rows[kind] = held + await rows_by_id(session, table, unread)
        found.update(await own_statuses(services, session, rows[StatusKind.POST], rows[StatusKind.REMOTE]))
    return found


def _local_parent_ids(services: Any, uris: set[str]) -> dict[int, str]:
    """Local post ids named by reply-parent URIs of this server (…/users/<name>/statuses/<id>)."""
    found = {}
    prefix = services.urls.base + "/users/"
    for uri in uris:
        if uri.startswith(prefix) and "/statuses/" in uri:
            tail = uri.rsplit("/statuses/", 1)[1]
            if tail.isdigit():
                found[int(tail)] = uri
    return found


async def _facts(services: Any, session: AsyncSession, owns: dict[Key, OwnStatus], viewer: Account | None,
                 live_only: bool) -> _Facts:
    """Likes, boosts and replies of every status, the viewer's likes, boosts and bookmarks, the reply
    parents fediart has (and which statuses are live): one query."""
    facts = _Facts()
    if not owns:
        return facts
    # Replies are counted from the replies fediart holds, local and remote, by the parent's URI.
    by_uri = {own.uri: key for key, own in owns.items()}
    parents = {own.in_reply_to for own in owns.values() if own.in_reply_to}
    local_parents = _local_parent_ids(services, parents)
    params = {"account": viewer.id if viewer is not None else -1,
              "post_ids": [i for kind, i in owns if kind == StatusKind.POST],
              "remote_ids": [i for kind, i in owns if kind == StatusKind.REMOTE], "uris": list(by_uri),
              "parent_uris": list(parents), "parent_ids": list(local_parents)}
    result = await (await session.connection()).execute(_FACTS[live_only], params)
    local_found = {}
    for part, target, parent, kind, number, by_viewer in result.all():
        if part == "reply":
            counts = facts.counts.setdefault(by_uri[parent], {})
            counts["reply"] = counts.get("reply", 0) + number
        elif part == "parent-remote":
            facts.parents[parent] = (str(target), str(number))
        elif part == "parent-post":
            local_found[local_parents[target]] = (str(target), str(number))
        elif part.startswith("live-"):
            facts.live.add((StatusKind(part.removeprefix("live-")), target))
        elif part.startswith("bookmark-"):
            facts.mine.setdefault((StatusKind(part.removeprefix("bookmark-")), target), set()).add("bookmark")
        else:
            facts.counts.setdefault((StatusKind(part), target), {})[kind] = number
            if by_viewer:
                facts.mine.setdefault((StatusKind(part), target), set()).add(kind)
    facts.parents.update(local_found)  # a local post wins over a remote row of the same URI
    return facts


def _assemble(key: Key, own: OwnStatus, account: dict[str, Any], facts: _Facts,
              viewer: Account | None) -> dict[str, Any]:
    """The entity, its keys in the order clients have always received them."""
    doc = dict(own.head)
    mine_own = viewer is not None and own.account_id == viewer.id
    if mine_own and own.own_media is not None:
        doc["media_attachments"] = own.own_media
    if viewer is not None:
        doc["pinned"] = own.pinned and mine_own
    doc["licence"] = own.licence
    doc["ai_generated"] = own.ai_generated
    parent = facts.parents.get(own.in_reply_to or "")
    doc["account"] = account
    doc["in_reply_to_id"] = parent[0] if parent else None
    doc["in_reply_to_account_id"] = parent[1] if parent else None
    doc.update(own.tail)
    counts = facts.counts.get(key, {})
    doc["replies_count"] = counts.get("reply", 0)
    doc["reblogs_count"] = counts.get(InteractionKind.BOOST, 0)
    doc["favourites_count"] = counts.get(InteractionKind.LIKE, 0)
    if viewer is not None:
        mine = facts.mine.get(key, ())
        doc["favourited"] = InteractionKind.LIKE in mine
        doc["reblogged"] = InteractionKind.BOOST in mine
        doc["bookmarked"] = "bookmark" in mine
        doc["muted"] = False
        doc["filtered"] = []
    return doc


def boost_to_api(boost: BoostFields, inner: dict[str, Any], account: dict[str, Any]) -> dict[str, Any]:
    """The wrapper status Mastodon shows for a boost: its own id and time, the original in `reblog`."""
    doc = dict(inner)
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
        "ai_generated": False,
        "mentions": [],
        "tags": [],
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "account": account,
        "reblog": inner,
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
        "licence": None,
    })
    return doc
