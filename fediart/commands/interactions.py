"""`fediart like|unlike|boost|unboost NAME URL`: an artist interacting with a post on another server."""

from __future__ import annotations

import argparse

from fediart.activitypub.fetch import FetchError
from fediart.activitypub.remote_actors import ActorError
from fediart.commands import CliError, CommandContext, add_parser
from fediart.outbox.interactions import InteractionError, send_interaction
from fediart.services import running_services
from fediart.store.accounts import get_account

_ACTIONS = {"like": ("like", False), "unlike": ("like", True), "boost": ("boost", False), "unboost": ("boost", True)}
_DONE = {"like": "liked", "unlike": "took back the like of", "boost": "boosted", "unboost": "took back the boost of"}


async def run(ctx: CommandContext, args: argparse.Namespace) -> int:
    kind, undo = _ACTIONS[args.command]
    async with running_services(ctx.config) as services:
        async with services.sessions() as session:
            account = await get_account(session, args.name.lstrip("@"))
        if account is None or account.kind != "person":
            raise CliError(f"no user named {args.name!r}")
        try:
            await send_interaction(services, account, kind, args.url, undo=undo)
        except (FetchError, ActorError, InteractionError) as exc:
            raise CliError(f"cannot {args.command} {args.url}: {exc}") from None
    print(f"@{account.username} {_DONE[args.command]} {args.url}; the worker delivers it")
    return 0


def register(sub) -> None:
    helps = {"like": "like a post", "unlike": "take back a like", "boost": "boost (announce) a post",
             "unboost": "take back a boost"}
    for name, help_text in helps.items():
        p = add_parser(sub, name, help_text)
        p.add_argument("name", help="the artist account")
        p.add_argument("url", help="the post's URL (its ActivityPub id)")
        p.set_defaults(run=run)
