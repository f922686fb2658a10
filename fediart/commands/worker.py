"""`fediart worker`: the background worker on its own, for deployments that run it apart from the web."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from fediart.commands import DEFAULT_CONFIG, CliError, add_parser
from fediart.config import Config, load_config
from fediart.logs import setup_logging
from fediart.services import running_services
from fediart.store.migrate import check_database
from fediart.worker import Worker

log = logging.getLogger("fediart.worker")


async def work(config: Config) -> int:
    """Run the worker until SIGINT or SIGTERM; unfinished jobs are left to their leases."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with running_services(config, listen=True) as services:
        await Worker(services).run(stop)
    return 0


def serve_metrics(host: str, port: int) -> None:
    """This worker's counters over HTTP, on a thread (the queue depths come from the servers' /metrics)."""
    from prometheus_client import start_http_server

    from fediart.ops.counters import process_registry

    try:
        start_http_server(port, host, registry=process_registry())
    except OSError as exc:
        raise CliError(f"--metrics-port {port}: cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    log.info("worker metrics on http://%s:%d/metrics", host, port)


def run(args: argparse.Namespace) -> int:
    setup_logging()
    config = load_config(getattr(args, "config", DEFAULT_CONFIG))
    asyncio.run(check_database(config))
    if args.metrics_port is not None:
        serve_metrics(args.metrics_host, args.metrics_port)
    # uvloop, as `serve` gets from uvicorn: the worker is event-loop bound during a fan-out.
    try:
        import uvloop
    except ImportError:  # not on every platform
        return asyncio.run(work(config))
    return uvloop.run(work(config))


def register(sub) -> None:
    p = add_parser(sub, "worker", "deliver and process activities (runs inside `serve` unless turned off)")
    p.add_argument("--metrics-port", type=int, metavar="PORT",
                   help="serve this worker's Prometheus counters on PORT (no token: keep it private)")
    p.add_argument("--metrics-host", default="127.0.0.1", metavar="ADDRESS",
                   help="address for --metrics-port (default 127.0.0.1)")
    p.set_defaults(func=run)
