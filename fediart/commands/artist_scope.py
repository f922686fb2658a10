"""Running one use case for the artist a command names: services up, the artist found, refusals as one line."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable

from fediart.actions.errors import ActionError
from fediart.commands import CliError, CommandContext
from fediart.services import Services, running_services
from fediart.store.accounts import get_artist
from fediart.store.tables import Account


async def as_artist(ctx: CommandContext, args: argparse.Namespace,
                    work: Callable[[Services, Account], Awaitable[str]], failed: str) -> int:
    """Print what `work` returns for the artist `args.name`; an ActionError becomes "FAILED: why"."""
    async with running_services(ctx.config) as services:
        async with services.sessions() as session:
            account = await get_artist(session, args.name.lstrip("@"))
        if account is None:
            raise CliError(f"no user named {args.name!r}")
        try:
            print(await work(services, account))
        except ActionError as exc:
            raise CliError(f"{failed}: {exc.message}") from None
    return 0
