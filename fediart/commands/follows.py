"""`fediart follow|unfollow NAME WHO` and `fediart follower list|approve|reject`: follows from the command line.

Each command writes its rows and the activity's delivery rows in one transaction; the worker
(`fediart serve` or `fediart worker`) delivers them. WHO is @user@host or an actor URL.
"""

from __future__ import annotations

import argparse

from sqlmodel import delete, select

from fediart.activitypub.fetch import FetchError
from fediart.activitypub.hosts import host_of, same_origin
from fediart.activitypub.lookup import LookupRefused, object_by_url
from fediart.activitypub.remote_actors import ActorError
from fediart.activitypub.webfinger_client import acct_of, parse_handle, resolve_handle
from fediart.commands import CliError, CommandContext, add_parser
from fediart.inbox.follow import original_follow
from fediart.outbox.follow import resend_follow, send_accept, send_follow, send_reject, send_undo_follow
from fediart.services import Services, running_services
from fediart.store.accounts import get_account
from fediart.store.tables import Account, Follower, Following, Actor
from fediart.text import terminal_safe

DELIVERED_BY = "it is delivered by the worker (`fediart serve` or `fediart worker`)"


def handle_of(actor: Actor) -> str:
    """@user@host, with the port when it is not the default one, so no two actors share a handle."""
    return "@" + acct_of(actor.username, actor.uri) if actor.username else actor.uri


async def _account(services: Services, name: str) -> Account:
    async with services.sessions() as session:
        account = await get_account(session, name.lstrip("@"))
    if account is None or account.kind != "person":
        raise CliError(f"no user named {name!r}")
    return account


async def _actor_uri(services: Services, who: str) -> str:
    try:
        if who.startswith(("https://", "http://")):
            # A profile page (https://host/@user) answers with the actor, whose id is canonical.
            doc = await object_by_url(services.http, who, services.instance_signer, services.config)
            return doc["id"]
        parse_handle(who)
        return await resolve_handle(services.http, who, services.config)
    except (ValueError, LookupRefused) as exc:
        raise CliError(str(exc)) from None
    except FetchError as exc:
        verb = "fetch" if who.startswith(("https://", "http://")) else "look up"
        raise CliError(f"cannot {verb} {who}: {exc.reason}") from None


async def find_remote(services: Services, who: str, *, fetch: bool) -> Actor:
    """The remote actor WHO names: from the database when known, else (with fetch) from its server."""
    async with services.sessions() as session:
        if not who.startswith(("https://", "http://")):
            try:
                user, server = parse_handle(who)
            except ValueError as exc:
                raise CliError(str(exc)) from None
            known = await session.exec(select(Actor).where(Actor.username == user,
                                                                 Actor.domain == host_of(f"https://{server}/")))
            # The domain column has no port: the actor's id tells bea@host from bea@host:8443.
            actor = next((a for a in known.all() if acct_of(user, a.uri) == f"{user}@{server}"), None)
        else:
            # A profile page's URL names a known actor too, if that actor lives on the page's server
            # (an actor document may claim any `url`).
            known = await session.exec(select(Actor).where((Actor.uri == who) | (Actor.url == who)))
            actor = next((a for a in known.all() if a.uri == who or same_origin(a.uri, who)), None)
    if actor is not None and not fetch:
        return actor
    await _check_policy(services, who, who if who.startswith(("https://", "http://")) else None)
    local = f"{who} is an account on this server; follows between local accounts are not supported"
    if same_origin(who, services.urls.base):
        raise CliError(local)
    uri = actor.uri if actor is not None else await _actor_uri(services, who)
    if same_origin(uri, services.urls.base):  # a handle's WebFinger may point here too
        raise CliError(local)
    await _check_policy(services, who, uri)  # WebFinger may point to another server
    try:
        remote = await services.remote_actors.by_uri(uri)
    except FetchError as exc:
        raise CliError(f"cannot fetch {who}: {exc.reason}") from None
    except ActorError as exc:
        raise CliError(f"{who} is not a usable actor: {exc}") from None
    if remote.gone:
        raise CliError(f"{who} was deleted on its server")
    return remote


async def _check_policy(services: Services, who: str, url: str | None) -> None:
    host = host_of(url) if url else parse_handle(who)[1].rsplit(":", 1)[0]
    decision = await services.policy.check_host(host)
    if not decision.allowed:
        raise CliError(f"cannot reach {who}: {decision.reason}")


async def follow_remote(services: Services, name: str, who: str) -> str:
    """Follow WHO as artist NAME; returns what happened, in a sentence."""
    account = await _account(services, name)
    remote = await find_remote(services, who, fetch=True)
    handle = handle_of(remote)
    async with services.sessions() as session:
        following = (await session.exec(select(Following).where(Following.account_id == account.id,
                                                                Following.actor_id == remote.id))).first()
        if following is not None and following.state == "accepted":
            return f"{account.username} already follows {handle}"
        if following is not None and following.state == "pending":
            await resend_follow(session, services, account, remote, following)
            await session.commit()
            return f"follow request re-sent to {handle} (still waiting for an answer); {DELIVERED_BY}"
        if following is not None:  # rejected before: a new request, with a new id
            await session.delete(following)
        await send_follow(session, services, account, remote)
        await session.commit()
    return f"follow request sent to {handle}; {DELIVERED_BY}"


async def unfollow_remote(services: Services, name: str, who: str) -> str:
    account = await _account(services, name)
    remote = await find_remote(services, who, fetch=False)
    async with services.sessions() as session:
        following = (await session.exec(select(Following).where(Following.account_id == account.id,
                                                                Following.actor_id == remote.id))).first()
        if following is None:
            raise CliError(f"{account.username} does not follow {handle_of(remote)}")
        await send_undo_follow(session, services, account, remote, following)
        await session.delete(following)
        await session.commit()
    return f"unfollowed {handle_of(remote)}; the Undo is sent to their server: {DELIVERED_BY}"


async def _follower(services: Services, account: Account, who: str) -> tuple[Actor, Follower]:
    remote = await find_remote(services, who, fetch=False)
    async with services.sessions() as session:
        follower = (await session.exec(select(Follower).where(Follower.account_id == account.id,
                                                              Follower.actor_id == remote.id))).first()
    if follower is None:
        raise CliError(f"{handle_of(remote)} does not follow {account.username} and has not asked to")
    return remote, follower


async def approve_follower(services: Services, name: str, who: str) -> str:
    account = await _account(services, name)
    remote, follower = await _follower(services, account, who)
    if follower.state == "accepted":
        return f"{handle_of(remote)} already follows {account.username}"
    our_actor = services.urls.actor(account.username)
    async with services.sessions() as session:
        follower = await session.get(Follower, follower.id)
        follower.state = "accepted"
        session.add(follower)
        follow = await original_follow(session, follower, remote.uri, our_actor)
        await send_accept(session, services, account, remote, follow)
        await session.commit()
    return f"{handle_of(remote)} now follows {account.username}; the Accept is sent: {DELIVERED_BY}"


async def reject_follower(services: Services, name: str, who: str) -> str:
    """Refuse a request, or remove an existing follower; either way their server hears Reject."""
    account = await _account(services, name)
    remote, follower = await _follower(services, account, who)
    our_actor = services.urls.actor(account.username)
    async with services.sessions() as session:
        follow = await original_follow(session, follower, remote.uri, our_actor)
        await send_reject(session, services, account, remote, follow)  # before the delete: its id names the row
        await session.exec(delete(Follower).where(Follower.account_id == account.id, Follower.actor_id == remote.id))
        await session.commit()
    was = "follow request" if follower.state == "pending" else "follower"
    return f"{was} {handle_of(remote)} rejected; the Reject is sent: {DELIVERED_BY}"


async def follower_rows(sessions, account: Account) -> list[tuple[str, str, str]]:
    """(handle, state, since) of each follower and request, newest first."""
    async with sessions() as session:
        rows = await session.exec(select(Follower, Actor).join(Actor, Follower.actor_id == Actor.id)
                                  .where(Follower.account_id == account.id)
                                  .order_by(Follower.created_at.desc(), Follower.id.desc()))
        return [(terminal_safe(handle_of(actor)), follower.state, follower.created_at.strftime("%Y-%m-%d %H:%M"))
                for follower, actor in rows.all()]


async def list_followers(ctx: CommandContext, args: argparse.Namespace) -> int:
    async with ctx.sessions() as session:
        account = await get_account(session, args.name.lstrip("@"))
    if account is None or account.kind != "person":
        raise CliError(f"no user named {args.name!r}")
    rows = await follower_rows(ctx.sessions, account)
    if not rows:
        print(f"{account.username} has no followers yet")
        return 0
    width = max(len(handle) for handle, _, _ in rows)
    print(f"{'HANDLE':<{width}}  {'STATE':<8}  SINCE (UTC)")
    for handle, state, since in rows:
        print(f"{handle:<{width}}  {state:<8}  {since}")
    return 0


def _with_services(action):
    """A CLI leaf running `action(services, name, who)` with an HTTP client and signer, printing its result."""
    async def run(ctx: CommandContext, args: argparse.Namespace) -> int:
        async with running_services(ctx.config) as services:
            print(terminal_safe(await action(services, args.name, args.who)))  # the sentence quotes remote names
        return 0

    return run


def register(sub) -> None:
    for name, action, text in (("follow", follow_remote, "follow a remote account as an artist"),
                               ("unfollow", unfollow_remote, "stop following a remote account")):
        p = add_parser(sub, name, text)
        p.add_argument("name", help="the artist's username")
        p.add_argument("who", metavar="@user@host", help="handle, profile page (https://host/@user) or actor URL")
        p.set_defaults(run=_with_services(action))
    p = add_parser(sub, "follower", "list, approve or reject an artist's followers")
    actions = p.add_subparsers(dest="follower_command", required=True, metavar="ACTION")
    listing = add_parser(actions, "list", "followers and pending requests, newest first")
    listing.add_argument("name")
    listing.set_defaults(run=list_followers)
    for name, action, text in (("approve", approve_follower, "accept a pending follow request"),
                               ("reject", reject_follower, "refuse a request or remove a follower")):
        leaf = add_parser(actions, name, text)
        leaf.add_argument("name")
        leaf.add_argument("who", metavar="@user@host", help="handle or actor URL")
        leaf.set_defaults(run=_with_services(action))
