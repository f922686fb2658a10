"""Accounts as Mastodon API entities: Account, CredentialAccount (with `source`), Relationship, and
fediart's licence extension.

Every non-nullable field is present with its documented type, because the strict clients (Tusky, the
official apps, Ice Cubes, Ivory) drop or crash on a missing one: avatar and header are real image URLs
(defaults served from /static when the artist has none), nullable fields are an explicit null, ids are
decimal strings. Lists are converted in batches, one query per kind of row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, literal_column, null, union_all
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.activitypub.actor import field_value_to_html
from fediart.activitypub import webfinger_client
from fediart.api.formats import api_date, api_time, html_to_text
from fediart.licence.model import Licence
from fediart.store.states import FollowState
from fediart.store.tables import Account, Actor, ActorRestriction, Follower, Following, Post


# "user@host" of a remote actor is pure in (username, actor URI) and parsing the URI is the costly part
# of a remote Account entity; the same few thousand actors come back page after page.
acct_of = lru_cache(maxsize=8192)(webfinger_client.acct_of)


def _midnight(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


COUNTS = "account-counts"  # document-cache key: (COUNTS, username)


@dataclass
class AccountCounts:
    statuses: int = 0
    followers: int = 0
    following: int = 0
    last_status_at: datetime | None = None


# Statuses, followers and following of local accounts: one statement (three grouped parts, tagged),
# built once with the ids as a bind parameter.
_COUNTS = union_all(
    select(literal_column("'s'"), Post.account_id, func.count(), func.max(Post.published))
    .where(Post.account_id.in_(bindparam("ids", expanding=True)), Post.deleted_at.is_(None)).group_by(Post.account_id),
    select(literal_column("'r'"), Follower.account_id, func.count(), null())
    .where(Follower.account_id.in_(bindparam("ids", expanding=True)), Follower.state == FollowState.ACCEPTED)
    .group_by(Follower.account_id),
    select(literal_column("'g'"), Following.account_id, func.count(), null())
    .where(Following.account_id.in_(bindparam("ids", expanding=True)), Following.state == FollowState.ACCEPTED)
    .group_by(Following.account_id))


async def _local_counts(services: Any, session: AsyncSession, accounts: list[Account]) -> dict[int, AccountCounts]:
    """Statuses, followers and following of local accounts: one query (three grouped parts, tagged) for
    those not remembered. Counting an artist's posts reads all of them, and the same artist is on every
    page of their timeline, so the counts are kept in the document cache: forgotten with the artist's
    documents (a post published, edited or deleted here), otherwise for [server] document_cache_seconds,
    the staleness their actor document's counts already have."""
    counts: dict[int, AccountCounts] = defaultdict(AccountCounts)
    missing = []
    for account in accounts:
        known = services.cache.recall((COUNTS, account.username))
        if known is None:
            missing.append(account)
        else:
            counts[account.id] = known
    if not missing:
        return counts
    for part, account_id, number, last in (await session.exec(_COUNTS, params={"ids": [a.id for a in missing]})).all():
        if part == "s":
            counts[account_id].statuses = number
            counts[account_id].last_status_at = last
        elif part == "r":
            counts[account_id].followers = number
        else:
            counts[account_id].following = number
    for account in missing:
        services.cache.remember((COUNTS, account.username), counts[account.id])
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
        "hide_collections": bool(account.hide_collections),
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


_ACCOUNTS = select(Account).where(Account.id.in_(bindparam("ids", expanding=True)))


async def accounts_to_api(services: Any, session: AsyncSession, actors: Sequence[Actor],
                          accounts: dict[int, Account] | None = None) -> list[dict[str, Any]]:
    """Account entities for these actors, local or remote, in the same order. `accounts` may hold the
    local accounts (by id) the caller has already loaded, so they are not read again."""
    local_ids = [a.account_id for a in actors if a.account_id is not None]
    accounts = dict(accounts or {})
    unknown = [i for i in local_ids if i not in accounts]
    if unknown:
        accounts.update({a.id: a for a in (await session.exec(_ACCOUNTS, params={"ids": unknown})).all()})
    counts = await _local_counts(services, session, [accounts[i] for i in dict.fromkeys(local_ids) if i in accounts])
    base = services.config.base_url
    found = []
    for actor in actors:
        account = accounts.get(actor.account_id) if actor.account_id is not None else None
        if account is not None:
            found.append(local_account_to_api(actor, account, counts[account.id], base, services.urls.media))
        else:
            found.append(remote_account_to_api(actor, base))
    return found


ENTITY = "account-entity"  # document-cache key: (ENTITY, actor id); named by the actor's URI (and username)
_ACTORS = select(Actor).where(Actor.id.in_(bindparam("ids", expanding=True)))


async def shared_accounts_to_api(services: Any, session: AsyncSession, actor_ids: Iterable[int]) -> dict[int, dict]:
    """Account entities by actor id for lists (the authors of statuses, who caused notifications), kept
    in the document cache: the same dicts for every viewer, so they must never be changed. One's entry
    is forgotten with the artist's documents (forget_account: profile, posts, follows) or, for a remote
    actor, when its row is stored again (forget of its URI); otherwise after [server]
    document_cache_seconds, the staleness the counts inside already have. Unknown ids are left out."""
    found: dict[int, dict] = {}
    missing = []
    for actor_id in actor_ids:
        known = services.cache.recall((ENTITY, actor_id))
        if known is None:
            missing.append(actor_id)
        else:
            found[actor_id] = known
    if missing:
        actors = list((await session.exec(_ACTORS, params={"ids": missing})).all())
        for actor, doc in zip(actors, await accounts_to_api(services, session, actors)):
            names = (actor.uri, doc["username"]) if actor.account_id is not None else (actor.uri,)
            found[actor.id] = services.cache.remember((ENTITY, actor.id), doc, names)
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
        "hide_collections": bool(account.hide_collections),
        "discoverable": account.discoverable,
        "hide_ai_media": bool(account.hide_ai_media),  # fediart: timelines leave out AI-labelled images
        "original_access": account.original_access,  # fediart: who may fetch full-resolution originals
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
