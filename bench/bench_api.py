"""Client-API throughput: the home timeline and notifications with 10,000 stored posts, beside a ceiling.

What it measures
    GET /api/v1/timelines/home?limit=20   (Authorization: Bearer ...)
    GET /api/v1/notifications?limit=20
    on a throw-away instance (SQLite, or a throw-away schema with --database-url) holding what
    bench/api_seed.py writes: the artist's 5,000 posts (a quarter with an image, some unlisted or
    followers-only, some tagged), 5,000 remote posts by the 50 actors they follow (a fifth with an
    attachment, replies to the artist, mentions of them), 3,000 boosts and 4,000 likes, 10,000
    notifications (likes, boosts, follows, replies, mentions) and one muted account.
    Target: fediart >= 50% of the ceiling's req/s, measured next to each fediart run.

The ceiling
    bench/baseline_api_app.py: bare Starlette under uvicorn with the options `fediart serve` uses, on the
    same database and the same routes. Per request it checks the bearer token (one indexed query on
    oauth_token by the token's SHA-256), runs ONE raw SQL query for the page (home: the 20 newest of the
    artist's own posts, their followed actors' remote posts and those actors' boosts with the boosted
    post, merged by id, with the authors; notifications: the 20 newest with their actor and the status
    they are about) and serialises a minimal Mastodon-like JSON with orjson.
    It does NOT check scopes, visibility, blocks or mutes, load media, counts, viewer flags, reply
    parents, mentions, tags or licences, send Link/CORS/licence headers, or go through an ORM (it holds
    one SQLite connection, or an asyncpg pool of 10 on PostgreSQL). Its body is much smaller than
    fediart's full Status entities. So it is the cost of the unavoidable work (auth + one query + JSON),
    not an equivalent server; a ratio of 1.0 is out of reach by design.

How
    1. `fediart init` + `fediart user create ana` in a temporary directory, then the rows written in bulk
       (bench/api_seed.py), and a token issued the way /oauth/token issues one.
    2. `fediart serve`, the baseline, and `wrk -t1 -c50` for each endpoint, paired and alternated as
       bench/bench_http.py does (its Server, measure and instance helpers are reused). The load average
       is printed before and after, since the machine may be shared.

    .venv/bin/python bench/bench_api.py [--runs 3] [--duration 10]
        [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import api_seed  # noqa: E402
import bench_http as common  # noqa: E402

TARGET_RATIO = 0.50
ENDPOINTS = [("home", "/api/v1/timelines/home?limit=20"), ("notifs", "/api/v1/notifications?limit=20")]


def database_target(config_path: Path) -> dict[str, str]:
    """The ceiling's environment naming the database behind the instance: its SQLite file, or its
    PostgreSQL URL and schema."""
    from fediart.config import load_config
    from fediart.store.db import sqlite_path

    database = load_config(config_path).database
    found = sqlite_path(database.url)
    if found is not None:
        return {"BASELINE_DATABASE": str(found)}
    return {"BASELINE_DATABASE": database.url, "BASELINE_SCHEMA": database.schema or ""}


def drop_schema(database_url: str, config_path: Path) -> None:
    """Drop the throw-away PostgreSQL schema make_instance made for this run."""
    import asyncpg

    from fediart.config import load_config

    schema = load_config(config_path).database.schema

    async def drop() -> None:
        connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await connection.close()

    if schema and schema.startswith("bench_"):
        asyncio.run(drop())


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="paired runs per endpoint (default 3)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    parser.add_argument("--database-url", default="",
                        help="PostgreSQL URL (a throw-away schema is made in it); SQLite by default")
    args = parser.parse_args()
    if args.runs < 1 or not 1 <= args.duration <= 600:
        parser.error("--runs >= 1 and --duration 1-600 please")
    if shutil.which("wrk") is None:
        print("bench_api: wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    servers: list[common.Server] = []
    with tempfile.TemporaryDirectory(prefix="fediart-bench-api-") as tmp_name:
        tmp = Path(tmp_name)
        try:
            rows = run(args, tmp, servers)
        except KeyboardInterrupt:
            print("\ninterrupted; servers stopped", file=sys.stderr)
            return 130
        finally:
            for server in servers:
                server.stop()
            if args.database_url and (tmp / "fediart.toml").exists():
                drop_schema(args.database_url, tmp / "fediart.toml")
    return print_table(rows, args)


def run(args: argparse.Namespace, tmp: Path, servers: list[common.Server]) -> list[common.Row]:
    port, baseline_port = common.free_port(), common.free_port()
    domain = f"{common.HOST}:{port}"
    config = common.make_instance(tmp, port, args.database_url)
    started = time.monotonic()
    token = asyncio.run(api_seed.seed(config))
    print(f"seeded {api_seed.POSTS_OWN + api_seed.POSTS_REMOTE:,} posts, "
          f"{api_seed.BOOSTS_OF_OWN + api_seed.BOOSTS_OF_REMOTE:,} boosts, {api_seed.NOTIFICATIONS:,} notifications "
          f"in {time.monotonic() - started:.1f} s on {'PostgreSQL' if args.database_url else 'SQLite'}", flush=True)
    auth = {"Authorization": f"Bearer {token}"}
    fediart = common.Server("fediart serve", common.fediart_command() + ["serve", "--config", str(config), "--port",
                                                                         str(port)],
                            common.server_env(), tmp / "fediart.log", 1)
    servers.append(fediart)
    fediart.start(f"http://{domain}/api/v2/instance", {})
    print(f"before: {load_average()}", flush=True)
    rows = []
    for name, path in ENDPOINTS:
        status, body = common.http_get(f"http://{domain}{path}", auth)
        if status != 200 or body.count(b'"created_at"') < 20:
            raise RuntimeError(f"fediart {name} answered {status}: {body[:300]!r}")
        baseline = common.Server("baseline", [sys.executable, str(BENCH_DIR / "baseline_api_app.py"), "--port",
                                              str(baseline_port), "--workers", "1"],
                                 {**os.environ, **database_target(config)}, tmp / f"baseline-{name}.log", 1)
        servers.append(baseline)
        baseline_url = f"http://{common.HOST}:{baseline_port}{path}"
        baseline.start(baseline_url, auth)
        status, body = common.http_get(baseline_url, auth)
        if status != 200 or body.count(b'"created_at"') < 20:
            raise RuntimeError(f"baseline {name} answered {status}: {body[:300]!r}")
        row = common.Row(name, 1, [], [])
        for run_no in range(args.runs):
            pair = [("fediart", fediart, f"http://{domain}{path}", auth), ("baseline", baseline, baseline_url, auth)]
            if run_no % 2:
                pair.reverse()
            done = {side: common.measure(server, url, headers, args.duration) for side, server, url, headers in pair}
            row.fediart.append(done["fediart"])
            row.baseline.append(done["baseline"])
            f, b = done["fediart"], done["baseline"]
            print(f"  run {run_no + 1}/{args.runs} {name:<7} fediart {f.rps:>8,.0f} req/s  "
                  f"baseline {b.rps:>8,.0f} req/s  ratio {f.rps / b.rps:.2f}  "
                  f"CPU {f.cpu_us_per_request:.0f}/{b.cpu_us_per_request:.0f} us/req", flush=True)
        baseline.stop()
        servers.remove(baseline)
        rows.append(row)
    print(f"after: {load_average()}", flush=True)
    return rows


def print_table(rows: list[common.Row], args: argparse.Namespace) -> int:
    """Prints the medians; 1 if any response was not a 2xx (the figures are then not valid)."""
    med = statistics.median
    print(f"\n{'PostgreSQL' if args.database_url else 'SQLite'}: median of {args.runs} paired runs of "
          f"{args.duration} s, wrk -t1 -c{common.CONNECTIONS}; {api_seed.POSTS_OWN + api_seed.POSTS_REMOTE:,} posts "
          f"in home, {api_seed.NOTIFICATIONS:,} notifications, page of 20")
    header = (f"{'endpoint':<8} {'fediart req/s':>13} {'ceiling req/s':>13} {'ratio':>5}  {'target':<6} "
              f"{'p50 ms':>6} {'p99 ms':>6}  {'ceiling p50/p99 ms':>18}  {'CPU us/req f/c':>14}")
    print(header)
    print("-" * len(header))
    problems = []
    for row in rows:
        ratio = med(row.ratios)
        ceiling = f"{med(m.p50_ms for m in row.baseline):.1f}/{med(m.p99_ms for m in row.baseline):.1f}"
        cpu = (f"{med(m.cpu_us_per_request for m in row.fediart):.0f}/"
               f"{med(m.cpu_us_per_request for m in row.baseline):.0f}")
        print(f"{row.endpoint:<8} {med(m.rps for m in row.fediart):>13,.0f} {med(m.rps for m in row.baseline):>13,.0f} "
              f"{ratio:>5.2f}  {'ok' if ratio >= TARGET_RATIO else 'BELOW':<6} "
              f"{med(m.p50_ms for m in row.fediart):>6.1f} {med(m.p99_ms for m in row.fediart):>6.1f}  "
              f"{ceiling:>18}  {cpu:>14}")
        for side, measurements in (("fediart", row.fediart), ("ceiling", row.baseline)):
            non_2xx, errors = sum(m.non_2xx for m in measurements), sum(m.socket_errors for m in measurements)
            if non_2xx:
                problems.append(f"{side} {row.endpoint}: {non_2xx} non-2xx responses")
            if errors:  # wrk gives up on a request after 2 s: at 50 connections, a sign of < 25 req/s
                print(f"note: {side} {row.endpoint}: {errors} socket errors (timeouts) over the runs")
    print(f"target: >= {TARGET_RATIO:.0%} of the ceiling (ratio = median of per-pair fediart/ceiling req/s)")
    if problems:
        print("\nPROBLEMS (figures above are not valid):\n  " + "\n  ".join(problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
