"""Posts, remote posts and boosts as Mastodon Status entities, in batches: one query per kind of row
for a whole page (authors, media, counts, the viewer's flags, reply parents, mentions).

A boost is its own status (its Interaction row's id and time) with the original in `reblog`; a status
carries fediart's `licence` extension; the viewer's flags (`favourited`, `reblogged`, `bookmarked`,
`pinned`) are sent only to a signed-in viewer, as Mastodon does."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, case, func, literal_column, null, or_, union_all
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.activitypub.convert import post_licence
from fediart.api.account_entities import acct_of, accounts_to_api, licence_to_api
from fediart.api.formats import API_VISIBILITY, api_time
from fediart.licence.remote_signals import raw_of
from fediart.actions.originals import original_url
from fediart.api.media_entities import media_to_api, remote_attachment_to_api
from fediart.store.states import InteractionKind
from fediart.store.tables import Account, Actor, Bookmark, Interaction, Media, Post, RemotePost

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
    _by_account: dict[int, Actor] = field(default_factory=dict)
    _licences: dict[tuple[int, str | None], dict[str, Any]] = field(default_factory=dict)

    def local_actor(self, account_id: int) -> Actor:
        if not self._by_account:
            self._by_account = {a.account_id: a for a in self.actors.values() if a.account_id is not None}
        return self._by_account[account_id]

    def licence_entity(self, services: Any, account: Account, key: str | None) -> dict[str, Any]:
        """A post's licence entity, worked out once per (artist, licence key) in a batch."""
        found = self._licences.get((account.id, key))
        if found is None:
            found = self._licences[(account.id, key)] = licence_to_api(post_licence(services.licence_for(account), key))
        return found


StatusItem = Post | RemotePost | Interaction


def _ids(name: str) -> Any:
    return bindparam(name, expanding=True)


# The statements a page needs, built once with bind parameters and reused: building and hashing an
# expression per request cost more than running it.
_BY_ID = {table: select(table).where(table.id.in_(_ids("ids"))) for table in (Post, RemotePost, Account)}
_AUTHORS = (select(Actor, Account).outerjoin(Account, Account.id == Actor.account_id)
            .where(or_(Actor.id.in_(_ids("actor_ids")), Actor.account_id.in_(_ids("account_ids")))))
_MENTIONED = select(Actor).where(Actor.uri.in_(_ids("uris")))
_MEDIA = select(Media).where(Media.post_id.in_(_ids("ids"))).order_by(Media.position)
# The facts about a page's statuses that are counts or flags, in ONE statement of tagged parts with
# the columns (part, status id, parent URI, kind, number, by the viewer):
#   post/remote: likes and boosts per status and kind, and whether the viewer's actor (`me`, -1 for
#                none) made one;
#   reply:       replies fediart holds (remote and local, live) per parent URI;
#   bookmark-post/bookmark-remote: the statuses the viewer (`account`, -1 for none) bookmarked.
_FACTS = union_all(
    *(select(literal_column(f"'{key}'"), column, null(), Interaction.kind, func.count(),
             func.sum(case((Interaction.actor_id == bindparam("me"), 1), else_=0)))
      .where(column.in_(_ids(f"{key}_ids"))).group_by(column, Interaction.kind)
      for column, key in ((Interaction.post_id, "post"), (Interaction.remote_post_id, "remote"))),
    *(select(literal_column("'reply'"), null(), table.in_reply_to, null(), func.count(), literal_column("0"))
      .where(table.in_reply_to.in_(_ids("uris")), table.deleted_at.is_(None)).group_by(table.in_reply_to)
      for table in (RemotePost, Post)),
    *(select(literal_column(f"'bookmark-{key}'"), column, null(), null(), literal_column("0"), literal_column("1"))
      .where(Bookmark.account_id == bindparam("account"), column.in_(_ids(f"{key}_ids")))
      for column, key in ((Bookmark.post_id, "post"), (Bookmark.remote_post_id, "remote"))))


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
    return list((await session.exec(_BY_ID[table], params={"ids": ids})).all()) if ids else []


async def _load(services: Any, session: AsyncSession, posts: list[Post], remotes: list[RemotePost],
                boosts: list[Interaction], viewer: Account | None) -> StatusRows:
    rows = StatusRows()
    account_ids = {p.account_id for p in posts}
    actor_ids = {r.actor_id for r in remotes} | {b.actor_id for b in boosts}
    me = await _authors(session, rows, account_ids, actor_ids, viewer)
    mention_uris = {t["href"] for p in posts for t in p.tags if t.get("type") == "Mention" and t.get("href")}
    mention_uris |= {uri for r in remotes for uri in r.mentions if isinstance(uri, str)}
    if mention_uris:
        for actor in (await session.exec(_MENTIONED, params={"uris": list(mention_uris)})).all():
            rows.mention_actors[actor.uri] = actor
    missing_local = account_ids - {a.account_id for a in rows.actors.values()}
    if viewer is not None and me is None:
        missing_local.add(viewer.id)
    if missing_local:  # an artist made before their actor row: make it now
        from fediart.store.actors import local_actor

        for account in await _rows(session, Account, missing_local):
            rows.account_rows[account.id] = account
            actor = await local_actor(session, services.urls, account)
            if account.id in account_ids:
                rows.actors[actor.id] = actor
            if viewer is not None and account.id == viewer.id:
                me = actor
        await session.commit()
    entities = await accounts_to_api(services, session, list(rows.actors.values()), accounts=rows.account_rows)
    rows.accounts = {int(e["id"]): e for e in entities}
    if posts:
        for media in (await session.exec(_MEDIA, params={"ids": [p.id for p in posts]})).all():
            rows.media.setdefault(media.post_id, []).append(media)
    rows.post_uris = {p.id: services.urls.status(rows.account_rows[p.account_id].username, p.id) for p in posts}
    await _facts(session, rows, posts, remotes, me, viewer)
    await _reply_targets(services, session, rows, posts, remotes)
    return rows


async def _authors(session: AsyncSession, rows: StatusRows, account_ids: set[int], actor_ids: set[int],
                   viewer: Account | None) -> Actor | None:
    """One query for every author's actor row (local ones with their Account) and the viewer's actor;
    fills rows.actors and rows.account_rows, returns the viewer's actor (None if it has none yet)."""
    wanted = account_ids | ({viewer.id} if viewer is not None else set())
    if not (wanted or actor_ids):
        return None
    me = None
    found = await session.exec(_AUTHORS, params={"actor_ids": list(actor_ids), "account_ids": list(wanted)})
    for actor, account in found.all():
        if account is not None:
            rows.account_rows[account.id] = account
        if viewer is not None and actor.account_id == viewer.id:
            me = actor
        if actor.id in actor_ids or actor.account_id in account_ids:
            rows.actors[actor.id] = actor
    return me


async def _facts(session: AsyncSession, rows: StatusRows, posts: list[Post], remotes: list[RemotePost],
                 me: Actor | None, viewer: Account | None) -> None:
    """Likes, boosts and replies of every status, and the viewer's likes, boosts and bookmarks: one query."""
    if not (posts or remotes):
        return
    # Replies are counted from the replies fediart holds, local and remote, by the parent's URI.
    by_uri = {uri: ("post", post_id) for post_id, uri in rows.post_uris.items()}
    by_uri.update({r.uri: ("remote", r.id) for r in remotes})
    params = {"me": me.id if me is not None else -1, "account": viewer.id if viewer is not None else -1,
              "post_ids": [p.id for p in posts], "remote_ids": [r.id for r in remotes], "uris": list(by_uri)}
    for part, target, parent, kind, number, by_viewer in (await session.exec(_FACTS, params=params)).all():
        if part == "reply":
            counts = rows.counts.setdefault(by_uri[parent], {})
            counts["reply"] = counts.get("reply", 0) + number
        elif part.startswith("bookmark-"):
            rows.mine.setdefault((part.removeprefix("bookmark-"), target), set()).add("bookmark")
        else:
            rows.counts.setdefault((part, target), {})[kind] = number
            if me is not None and by_viewer:
                rows.mine.setdefault((part, target), set()).add(kind)


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
        actor = rows.local_actor(item.account_id)
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
            "licence": rows.licence_entity(services, account_row, item.licence_key),
        }
        if viewer is not None and viewer.id == item.account_id:  # fediart: only the artist learns where
            for entity, m in zip(doc["media_attachments"], rows.media.get(item.id, [])):
                entity["fediart_original_url"] = original_url(services, m)
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
            "licence": raw_of(item.licence),  # the terms as the author sent them
        }
    # fediart extension: any image labelled AI-generated (declared or signed metadata), for filters.
    doc["ai_generated"] = any(m["ai_generated"] for m in doc["media_attachments"])
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
        "ai_generated": False,
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
