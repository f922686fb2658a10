"""Profile the client API's hot list endpoints in-process: where a request's time goes.

Seeds a throw-away instance exactly as bench/bench_api.py does (bench/api_seed.py), then sends GET /api/v1/timelines/home and
/api/v1/notifications (limit=20) through httpx's ASGITransport (no sockets, no uvicorn) under cProfile,
and prints the top functions by cumulative time, the mean time per request and the SQL statements one
request runs. It measures fediart's own code only; bench/bench_api.py measures the served rate.

    PYTHONPATH=. .venv/bin/python bench/profile_api.py [--requests 200] [--top 40] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import api_seed  # noqa: E402
import bench_api  # noqa: E402
import bench_http as common  # noqa: E402

ENDPOINTS = {"home": "/api/v1/timelines/home?limit=20", "notifs": "/api/v1/notifications?limit=20"}


async def profile(config_path: Path, token: str, requests: int, top: int, only: list[str],
                  sort: str = "cumulative") -> None:
    import httpx
    from sqlalchemy import event

    from fediart.app import create_app
    from fediart.config import load_config

    app = create_app(load_config(config_path), run_worker=False)
    headers = {"Authorization": f"Bearer {token}"}
    statements: list[str] = []
    event.listen(app.state.services.engine.sync_engine, "before_cursor_execute",
                 lambda conn, cursor, sql, *rest: statements.append(sql))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
            for name in only:
                path = ENDPOINTS[name]
                for _ in range(20):  # warm caches and the connection pool
                    response = await client.get(path, headers=headers)
                    assert response.status_code == 200, response.text[:300]
                statements.clear()
                await client.get(path, headers=headers)
                print(f"\n== {name}: {len(statements)} SQL statements per request")
                for sql in statements:
                    print("   ", " ".join(sql.split())[:160])
                profiler = cProfile.Profile()
                started = time.perf_counter()
                profiler.enable()
                for _ in range(requests):
                    await client.get(path, headers=headers)
                profiler.disable()
                elapsed = time.perf_counter() - started
                print(f"== {name}: {elapsed / requests * 1000:.2f} ms per request under cProfile "
                      f"({requests} requests)")
                pstats.Stats(profiler).sort_stats(sort).print_stats(top)
                started = time.perf_counter()
                for _ in range(requests):
                    await client.get(path, headers=headers)
                print(f"== {name}: {(time.perf_counter() - started) / requests * 1000:.2f} ms per request "
                      "without the profiler")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--only", nargs="*", default=list(ENDPOINTS), choices=list(ENDPOINTS))
    parser.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime"],
                        help="order of the profile's table (default cumulative)")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (a throw-away schema is made in it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fediart-profile-api-") as tmp_name:
        config = common.make_instance(Path(tmp_name), common.free_port(), args.database_url)
        try:
            token = asyncio.run(api_seed.seed(config))
            asyncio.run(profile(config, token, args.requests, args.top, args.only, args.sort))
        finally:
            if args.database_url:
                bench_api.drop_schema(args.database_url, config)
    return 0


if __name__ == "__main__":
    sys.exit(main())
