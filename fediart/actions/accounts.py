"""Finding accounts: an actor by id, by what a person types (@user@host, user, an actor or profile URL),
known rows first and WebFinger or the actor's server when asked to; and account search.

Local artists and remote actors come back alike, as Actor rows (store/tables.Actor), so follows and
blocks treat both the same. The instance actor is never found: it is not an account anyone can act on.
"""

from __future__ import annotations

import httpx
from sqlalchemy import func, or_
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.actions.errors import ActionError, NotFound
from fediart.activitypub.fetch import FetchError
from fediart.activitypub.hosts import authority_of, host_of, same_origin
from fediart.activitypub.lookup import LookupRefused, object_by_url
from fediart.activitypub.remote_actors import ActorError
from fediart.activitypub.webfinger_client import acct_of, parse_handle, resolve_handle
from fediart.licence.remote_signals import refuses_search
from fediart.services import Services
from fediart.store.actors import local_actor
from fediart.store.tables import Account, Actor
from fediart.store.ids import parse_id

WEB = ("https://", "http://")


def handle_of(actor: Actor) -> str:
    """@user@host, with the port when it is not the default one, so no two actors share a handle."""
    return "@" + acct_of(actor.username, actor.uri) if actor.username else actor.uri


async def actor_by_id(session: AsyncSession, actor_id: str | int) -> Actor:
    """The account a client names by id (local artist or remote actor); NotFound otherwise."""
    number = parse_id(str(actor_id))
    if number is None:
        raise NotFound()
    actor = await session.get(Actor, number)
    if actor is None or not await listed(session, actor):
        raise NotFound()
    return actor


async def listed(session: AsyncSession, actor: Actor) -> bool:
    """False for the instance actor (and a local row whose account is gone): they are no one's account."""
    if actor.account_id is None:
        return True
    account = await session.get(Account, actor.account_id)
    return account is not None and account.kind == "person"


async def actor_of_account(services: Services, account: Account) -> Actor:
    """The artist's own actor row (made on first use)."""
    async with services.sessions() as session:
        actor = await local_actor(session, services.urls, account)
        await session.commit()
        return actor


def _local_username(services: Services, who: str) -> str | None:
    """The username in one of our actor or profile URLs, or in user@ourdomain; None if not ours."""
    if who.startswith(WEB):
        if not same_origin(who, services.urls.base):
            return None
        path = httpx.URL(who).path.rstrip("/")
        for prefix in ("/users/", "/@"):
            if path.startswith(prefix) and "/" not in path[len(prefix):]:
                return path[len(prefix):].lower()
        return ""  # ours, but not an account's address
    bare = who.lstrip("@")
    if "@" not in bare:
        return bare.lower()
    user, _, server = bare.partition("@")
    ours = {services.config.domain.lower(), authority_of(services.urls.base).lower()}
    return user.lower() if server.lower() in ours else None


async def _local_artist(services: Services, username: str) -> Actor | None:
    async with services.sessions() as session:
        account = (await session.exec(select(Account).where(Account.username == username))).first()
        if account is None or account.kind != "person":
            return None
        actor = await local_actor(session, services.urls, account)
        await session.commit()
        return actor


async def known_actor(services: Services, who: str) -> Actor | None:
    """The actor WHO names if fediart already has it (no network): user, user@host, @user@host or a URL."""
    who = who.strip()
    username = _local_username(services, who)
    if username is not None:
        return await _local_artist(services, username) if username else None
    async with services.sessions() as session:
        if not who.startswith(WEB):
            try:
                user, server = parse_handle(who)
            except ValueError:
                return None
            known = await session.exec(select(Actor).where(func.lower(Actor.username) == user,
                                                           Actor.domain == host_of(f"https://{server}/")))
            # The domain column has no port: the actor's id tells bea@host from bea@host:8443.
            return next((a for a in known.all() if acct_of(user, a.uri).lower() == f"{user}@{server}"), None)
        # A profile page's URL names a known actor too, if that actor lives on the page's server
        # (an actor document may claim any `url`).
        known = await session.exec(select(Actor).where((Actor.uri == who) | (Actor.url == who)))
        return next((a for a in known.all() if a.uri == who or same_origin(a.uri, who)), None)


async def find_actor(services: Services, who: str, *, fetch: bool) -> Actor:
    """The actor WHO names: a local artist, a known remote actor, or (with fetch) one found on its server."""
    who = who.strip()
    username = _local_username(services, who)
    if username is not None:
        actor = await _local_artist(services, username) if username else None
        if actor is not None:
            return actor
        if "@" in who or who.startswith(WEB):
            raise ActionError(f"{who} is not an account on this server", 404)
        # A bare word that names no artist here: not a handle either (parse_handle says so below).
    actor = await known_actor(services, who) if username is None else None
    if actor is not None and not fetch:
        return actor
    await check_policy(services, who, who if who.startswith(WEB) else None)
    uri = actor.uri if actor is not None else await _actor_uri(services, who)
    if same_origin(uri, services.urls.base):  # a handle's WebFinger may point here too
        found = await _local_artist(services, _local_username(services, uri) or "")
        if found is None:
            raise ActionError(f"{who} is not an account on this server", 404)
        return found
    await check_policy(services, who, uri)  # WebFinger may point to another server
    try:
        remote = await services.remote_actors.by_uri(uri)
    except FetchError as exc:
        raise ActionError(f"cannot fetch {who}: {exc.reason}", 404) from None
    except ActorError as exc:
        raise ActionError(f"{who} is not a usable actor: {exc}", 422) from None
    if remote.gone:
        raise ActionError(f"{who} was deleted on its server", 410)
    return remote


async def _actor_uri(services: Services, who: str) -> str:
    try:
        if who.startswith(WEB):
            # A profile page (https://host/@user) answers with the actor, whose id is canonical.
            doc = await object_by_url(services.http, who, services.instance_signer, services.config)
            return doc["id"]
        parse_handle(who)
        return await resolve_handle(services.http, who, services.config)
    except (ValueError, LookupRefused) as exc:
        raise ActionError(str(exc), 422) from None
    except FetchError as exc:
        verb = "fetch" if who.startswith(WEB) else "look up"
        raise ActionError(f"cannot {verb} {who}: {exc.reason}", 404) from None


async def check_policy(services: Services, who: str, url: str | None) -> None:
    try:
        host = host_of(url) if url else parse_handle(who)[1].rsplit(":", 1)[0]
    except ValueError as exc:
        raise ActionError(str(exc), 422) from None
    decision = await services.policy.check_host(host)
    if not decision.allowed:
        raise ActionError(f"cannot reach {who}: {decision.reason}", 422)


def _like(text: str) -> str:
    """A LIKE prefix pattern with the wildcards in the text escaped."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def search_accounts(services: Services, query: str, *, resolve: bool, limit: int,
                          offset: int = 0) -> list[Actor]:
    """Accounts whose username or display name starts with the query (local artists first); with
    `resolve`, a full @user@host or URL not known yet is looked up on its server."""
    query = query.strip()
    if not query:
        return []
    found: list[Actor] = []
    domain = None
    if "@" in query.lstrip("@") or query.startswith(WEB):
        try:
            exact = await (_known_or_fetched(services, query) if resolve else known_actor(services, query))
        except ActionError:
            exact = None
        if exact is not None and not exact.gone:
            found.append(exact)
        if query.startswith(WEB):
            return found[offset:offset + limit]
        query, _, domain = query.lstrip("@").partition("@")  # "@bea@rem" while typing: bea on rem…
    pattern = _like(query.lstrip("@").lower())
    async with services.sessions() as session:
        # Artists here come first; their actor rows are made on first use, so search the accounts.
        ours = domain is None or services.config.domain.lower().startswith(domain.lower())
        artists = [] if not ours else (await session.exec(
            select(Account).where(Account.kind == "person",
                                  or_(func.lower(Account.username).like(pattern, escape="\\"),
                                      func.lower(Account.display_name).like(pattern, escape="\\")))
            .order_by(Account.username).limit(offset + limit))).all()
        for account in artists:
            found.append(await local_actor(session, services.urls, account))
        await session.commit()
        remote = await session.exec(
            select(Actor).where(Actor.account_id.is_(None), Actor.gone == False,  # noqa: E712
                                func.lower(Actor.domain).like(_like((domain or "").split(":")[0].lower()), escape="\\"),
                                or_(func.lower(Actor.username).like(pattern, escape="\\"),
                                    func.lower(Actor.display_name).like(pattern, escape="\\")))
            .order_by(func.lower(Actor.username), Actor.id).limit(offset + limit))
        # Name search is full-text search: remote accounts that refuse it (indexable false, noindex,
        # searchableBy not public) are left out; an exact handle or URL above still finds them.
        found += [actor for actor in remote.all() if not refuses_search(actor.licence)]
    unique = list({a.id: a for a in found}.values())
    return unique[offset:offset + limit]


async def _known_or_fetched(services: Services, who: str) -> Actor:
    known = await known_actor(services, who)
    return known if known is not None else await find_actor(services, who, fetch=True)

