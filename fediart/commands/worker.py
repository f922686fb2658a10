"""`fediart worker`: the background worker on its own, for deployments that run it apart from the web."""

from __future__ import annotations

import argparse
import asyncio
import signal

from fediart.commands import DEFAULT_CONFIG, add_parser
from fediart.config import Config, load_config
from fediart.logs import setup_logging
from fediart.services import running_services
from fediart.store.migrate import check_database
from fediart.worker import Worker


async def work(config: Config) -> int:
    """Run the worker until SIGINT or SIGTERM; unfinished jobs are left to their leases."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with running_services(config, listen=True) as services:
        await Worker(services).run(stop)
    return 0


def run(args: argparse.Namespace) -> int:
    setup_logging()
    config = load_config(getattr(args, "config", DEFAULT_CONFIG))
    asyncio.run(check_database(config))
    # uvloop, as `serve` gets from uvicorn: the worker is event-loop bound during a fan-out.
    try:
        import uvloop
    except ImportError:  # not on every platform
        return asyncio.run(work(config))
    return uvloop.run(work(config))


def register(sub) -> None:
    p = add_parser(sub, "worker", "deliver and process activities (runs inside `serve` unless turned off)")
    p.set_defaults(func=run)
