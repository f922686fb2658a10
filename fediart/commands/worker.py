"""`fediart worker`: the background worker on its own, for deployments that run it apart from the web."""

from __future__ import annotations

import argparse
import asyncio
import signal

from fediart.commands import CommandContext, add_parser
from fediart.logs import setup_logging
from fediart.services import running_services
from fediart.worker import Worker


async def run(ctx: CommandContext, args: argparse.Namespace) -> int:
    setup_logging()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with running_services(ctx.config) as services:
        await Worker(services).run(stop)
    return 0


def register(sub) -> None:
    p = add_parser(sub, "worker", "deliver and process activities (runs inside `serve` unless turned off)")
    p.set_defaults(run=run)
