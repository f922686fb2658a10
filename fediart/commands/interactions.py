"""`fediart like|unlike|boost|unboost NAME URL`: an artist interacting with a post, here or on another server."""

from __future__ import annotations

import argparse

from fediart.actions.errors import ActionError
from fediart.actions.interactions import interact, status_of_url, take_back
from fediart.commands import CliError, CommandContext, add_parser
from fediart.services import running_services
from fediart.store.accounts import get_account
from fediart.store.states import InteractionKind
from fediart.store.statuses import uri_of

_ACTIONS = {"like": (InteractionKind.LIKE, False), "unlike": (InteractionKind.LIKE, True),
            "boost": (InteractionKind.BOOST, False), "unboost": (InteractionKind.BOOST, True)}
_DONE = {"like": "liked", "unlike": "took back the like of", "boost": "boosted", "unboost": "took back the boost of"}
_PAST = {InteractionKind.LIKE: "liked", InteractionKind.BOOST: "boosted"}


async def run(ctx: CommandContext, args: argparse.Namespace) -> int:
    kind, undo = _ACTIONS[args.command]
    async with running_services(ctx.config) as services:
        async with services.sessions() as session:
            account = await get_account(session, args.name.lstrip("@"))
        if account is None or account.kind != "person":
            raise CliError(f"no user named {args.name!r}")
        try:
            status = await status_of_url(services, args.url)
            if undo:
                post, changed = await take_back(services, account, kind, status)
            else:
                post, _, changed = await interact(services, account, kind, status)
        except ActionError as exc:
            raise CliError(f"cannot {args.command} {args.url}: {exc.message}") from None
        if not changed:
            async with services.sessions() as session:
                uri = await uri_of(session, services.urls, post)
            state = f"has not {_PAST[kind]}" if undo else f"already {_PAST[kind]}"
            raise CliError(f"cannot {args.command} {args.url}: @{account.username} {state} {uri}")
    print(f"@{account.username} {_DONE[args.command]} {args.url}; the worker delivers it")
    return 0


def register(sub) -> None:
    helps = {"like": "like a post", "unlike": "take back a like", "boost": "boost (announce) a post",
             "unboost": "take back a boost"}
    for name, help_text in helps.items():
        p = add_parser(sub, name, help_text)
        p.add_argument("name", help="the artist account")
        p.add_argument("url", help="the post's URL: its web page (https://host/@user/123) or its id")
        p.set_defaults(run=run)
