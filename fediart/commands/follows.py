"""`fediart follow|unfollow NAME WHO` and `fediart follower list|approve|reject`: follows from the command line.

The work is in fediart/actions/follows.py; this module parses and prints. A remote follow's activity
is delivered by the worker (`fediart serve` or `fediart worker`). WHO is @user@host, an actor or
profile URL, or the username of another artist on this server.
"""

from __future__ import annotations

import argparse
import functools

from fediart.actions import follows
from fediart.actions.accounts import find_actor, handle_of
from fediart.actions.errors import ActionError
from fediart.actions.follows import FollowOutcome
from fediart.commands import CliError, CommandContext, add_parser
from fediart.services import Services, running_services
from fediart.store.accounts import get_account
from fediart.store.states import FollowState
from fediart.store.tables import Account, Actor
from fediart.text import terminal_safe

DELIVERED_BY = "it is delivered by the worker (`fediart serve` or `fediart worker`)"


def _cli_errors(action):
    """The use cases' errors as the CLI's: one readable line, exit status 1."""
    @functools.wraps(action)
    async def run(*args):
        try:
            return await action(*args)
        except ActionError as exc:
            raise CliError(exc.message) from None

    return run


async def _account(services: Services, name: str) -> Account:
    async with services.sessions() as session:
        account = await get_account(session, name.lstrip("@"))
    if account is None or account.kind != "person":
        raise CliError(f"no user named {name!r}")
    return account


@_cli_errors
async def follow_remote(services: Services, name: str, who: str) -> str:
    """Follow WHO (remote or an artist here) as artist NAME; returns what happened, in a sentence."""
    account = await _account(services, name)
    actor = await find_actor(services, who, fetch=True)
    if actor.account_id == account.id:
        raise CliError(f"{who} is {account.username}'s own account on this server")
    _, outcome = await follows.follow(services, account, actor)
    handle = handle_of(actor)
    if outcome == FollowOutcome.ALREADY:
        return f"{account.username} already follows {handle}" + (" (or asked to)" if actor.local else "")
    if outcome == FollowOutcome.FOLLOWING:
        return f"{account.username} now follows {handle}"
    if actor.local:
        return f"follow request sent to {handle}; they approve followers by hand"
    if outcome == FollowOutcome.RESENT:
        return f"follow request re-sent to {handle} (still waiting for an answer); {DELIVERED_BY}"
    return f"follow request sent to {handle}; {DELIVERED_BY}"


@_cli_errors
async def unfollow_remote(services: Services, name: str, who: str) -> str:
    account = await _account(services, name)
    actor = await find_actor(services, who, fetch=False)
    if not await follows.unfollow(services, account, actor):
        raise CliError(f"{account.username} does not follow {handle_of(actor)}")
    if actor.local:
        return f"unfollowed {handle_of(actor)}"
    return f"unfollowed {handle_of(actor)}; the Undo is sent to their server: {DELIVERED_BY}"


@_cli_errors
async def approve_follower(services: Services, name: str, who: str) -> str:
    account = await _account(services, name)
    actor = await _follower_actor(services, account, who)
    _, changed = await follows.approve(services, account, actor)
    if not changed:
        return f"{handle_of(actor)} already follows {account.username}"
    if actor.local:
        return f"{handle_of(actor)} now follows {account.username}"
    return f"{handle_of(actor)} now follows {account.username}; the Accept is sent: {DELIVERED_BY}"


@_cli_errors
async def reject_follower(services: Services, name: str, who: str) -> str:
    """Refuse a request, or remove an existing follower; either way their server hears Reject."""
    account = await _account(services, name)
    actor = await _follower_actor(services, account, who)
    follower = await follows.reject(services, account, actor)
    was = "follow request" if follower.state == FollowState.PENDING else "follower"
    if actor.local:
        return f"{was} {handle_of(actor)} rejected"
    return f"{was} {handle_of(actor)} rejected; the Reject is sent: {DELIVERED_BY}"


async def _follower_actor(services: Services, account: Account, who: str) -> Actor:
    actor = await find_actor(services, who, fetch=False)
    try:
        await follows.follower_of(services, account, actor)
    except ActionError:
        raise CliError(f"{handle_of(actor)} does not follow {account.username} and has not asked to") from None
    return actor


async def follower_rows(sessions, account: Account) -> list[tuple[str, str, str]]:
    """(handle, state, since) of each follower and request, newest first."""
    return [(terminal_safe(handle_of(actor)), follower.state, follower.created_at.strftime("%Y-%m-%d %H:%M"))
            for follower, actor in await follows.all_followers(sessions, account)]


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
    for name, action, text in (("follow", follow_remote, "follow an account (remote, or an artist here) as an artist"),
                               ("unfollow", unfollow_remote, "stop following an account")):
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
