"""What the request instrumentation costs: the metrics middleware timed in-process, on and off.

What it measures
    bare        a trivial ASGI app answering 200 "ok", called directly (no network, no server): the floor.
    measured    the same app under fediart's RequestMetricsMiddleware, with the route table of a real
                fediart app (all its routes), labelling each request by its route template and updating
                the request counter and the latency histogram.
    unrouted    the same, for a request the router named no endpoint for (a 404, or the crawler gate's
                403), labelled "unmatched" without a lookup.
    The difference is the per-request cost with [server] metrics = true; with metrics off the middleware
    is not installed at all, so the cost is zero (create_app leaves it out).

How
    --requests calls per variant, interleaved over --runs rounds; medians in microseconds per request.
    Nothing listens on any port and no database is touched.

    .venv/bin/python bench/bench_metrics.py [--runs 5] [--requests 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time

from fediart.app import create_app
from fediart.config import config_from_dict
from fediart.ops.middleware import RequestMetricsMiddleware


async def bare(scope, receive, send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


def scope_for(path: str, endpoint) -> dict:
    scope = {"type": "http", "method": "GET", "path": path, "root_path": "", "query_string": b"", "headers": []}
    if endpoint is not None:
        scope["endpoint"] = endpoint  # what the router would have left there
    return scope


async def timed(app, scope: dict, requests: int) -> float:
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        pass

    started = time.perf_counter()
    for _ in range(requests):
        await app(dict(scope), receive, send)
    return (time.perf_counter() - started) / requests * 1e6


async def main(runs: int, requests: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = config_from_dict({"server": {"domain": "art.example", "metrics": True},
                                   "database": {"url": f"sqlite+aiosqlite:///{folder}/unused.sqlite3"},
                                   "media": {"dir": f"{folder}/media"}}, "bench")
        app = create_app(config, run_worker=False)
        routes = app.routes
        actor = next(r for r in routes if getattr(r, "path", "") == "/@{username}")
        measured = RequestMetricsMiddleware(bare, routes=routes)
        variants = {
            "bare": (bare, scope_for("/@ana", actor.endpoint)),
            "measured": (measured, scope_for("/@ana", actor.endpoint)),
            "unrouted": (measured, scope_for("/no/such/page", None)),
        }
        results: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(runs):
            for name, (target, scope) in variants.items():
                results[name].append(await timed(target, scope, requests))
        await app.state.services.engine.dispose()
    print(f"{len(routes)} routes; {requests} requests x {runs} runs; µs per request, median (min-max)")
    floor = statistics.median(results["bare"])
    for name, figures in results.items():
        median = statistics.median(figures)
        extra = "" if name == "bare" else f"   (+{median - floor:.1f} µs)"
        print(f"  {name:24} {median:7.1f} ({min(figures):.1f}-{max(figures):.1f}){extra}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=20000)
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.requests))
