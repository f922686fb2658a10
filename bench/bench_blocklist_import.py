"""Importing a shared blocklist: seconds and rows/s for `fediart block import` of a Mastodon CSV.

What it measures
    fediart     the CLI's import function (commands/blocks.py import_: read the file, parse and
                normalise every domain, plan against the current rules, INSERT in one transaction)
                on a freshly migrated, empty database.
    ceiling     a bare executemany INSERT of the same, already-parsed rows into the same table, in
                one transaction: what the database alone costs.
    Target (from the issue): 5,000 domains in under 10 s.

How
    A realistic Mastodon export is generated: --domains rows (default 5,000) of random-looking
    domains under common suffixes, a third with each severity, some flags, quoted comments with
    commas. Each run gets a new SQLite file (and a new PostgreSQL schema when the server at
    --pg-url answers, or when --pg-url is given); fediart and the ceiling alternate, each on its own
    fresh database; medians (min-max) over --runs.

    .venv/bin/python bench/bench_blocklist_import.py [--domains 5000] [--runs 3] [--pg-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import create_async_engine

from fediart.cli import build_parser
from fediart.commands import CommandContext
from fediart.config import config_from_dict
from fediart.policy.blocklists import CSV_HEADER, parse
from fediart.store.db import make_engine, make_sessionmaker
from fediart.store.migrate import ensure_schema, upgrade
from fediart.store.policy_tables import DomainBlock
from fediart.store.tables import utcnow

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
SUFFIXES = ("social", "example", "club", "online", "xyz", "net", "org", "co.uk", "space", "town")


def generate_csv(count: int, seed: int = 8) -> str:
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    lines, seen = [",".join(CSV_HEADER)], set()
    while len(seen) < count:
        name = "".join(rng.choice(letters) for _ in range(rng.randint(4, 14)))
        domain = f"{name}{rng.choice(['', '-' + str(rng.randint(1, 99))])}.{rng.choice(SUFFIXES)}"
        if rng.random() < 0.2:
            domain = f"{rng.choice(['mastodon', 'social', 'fedi', 'm'])}.{domain}"
        if domain in seen:
            continue
        seen.add(domain)
        severity = ("suspend", "silence", "noop")[len(seen) % 3]
        flag = lambda p: "true" if rng.random() < p else "false"  # noqa: E731
        comment = rng.choice(["", "spam", '"harassment, hate speech"', '"AI scraping, reposting art"'])
        lines.append(f"{domain},{severity},{flag(0.3)},{flag(0.2)},{comment},{flag(0.05)}")
    return "\n".join(lines) + "\n"


async def fresh(database: dict, root: Path):
    config = config_from_dict({"server": {"domain": "bench.example"}, "database": database,
                               "media": {"dir": str(root / "media")}}, "bench.toml")
    engine = make_engine(config)
    await ensure_schema(engine, config.database.schema)
    await upgrade(engine)
    return config, engine


async def run_fediart(database: dict, root: Path, path: Path, count: int) -> float:
    config, engine = await fresh(database, root)
    try:
        args = build_parser().parse_args(["block", "import", str(path), "--limit", str(max(count, 20_000))])
        out = io.StringIO()
        start = time.perf_counter()
        with contextlib.redirect_stdout(out):
            assert await args.run(CommandContext(config, make_sessionmaker(engine), engine), args) == 0
        elapsed = time.perf_counter() - start
        assert f"added {count}," in out.getvalue(), out.getvalue()
        return elapsed
    finally:
        await engine.dispose()


async def run_ceiling(database: dict, root: Path, rows: list[dict]) -> float:
    _, engine = await fresh(database, root)
    try:
        start = time.perf_counter()
        async with engine.begin() as conn:
            await conn.execute(insert(DomainBlock.__table__), rows)
        elapsed = time.perf_counter() - start
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM domain_block"))).scalar() == len(rows)
        return elapsed
    finally:
        await engine.dispose()


async def pg_reachable(url: str) -> bool:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False
    finally:
        await engine.dispose()


async def drop_schema(url: str, schema: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    await engine.dispose()


def summary(values: list[float], count: int) -> str:
    median = statistics.median(values)
    return (f"{median:6.2f} s ({min(values):.2f}-{max(values):.2f})  {count / median:9,.0f} rows/s "
            f"({count / max(values):,.0f}-{count / min(values):,.0f})")


async def bench(name: str, database_for, root: Path, path: Path, rows: list[dict], runs: int, cleanup) -> None:
    ours, ceiling = [], []
    for run in range(runs):
        for kind, times in (("fediart", ours), ("ceiling", ceiling)):
            database = database_for(f"{kind}{run}")
            try:
                if kind == "fediart":
                    times.append(await run_fediart(database, root, path, len(rows)))
                else:
                    times.append(await run_ceiling(database, root, rows))
            finally:
                await cleanup(database)
    print(f"{name:<10} fediart  {summary(ours, len(rows))}")
    print(f"{'':<10} ceiling  {summary(ceiling, len(rows))}")
    print(f"{'':<10} fediart takes {statistics.median(ours) / statistics.median(ceiling):.1f}x the bare insert")


async def main(args) -> None:
    text_csv = generate_csv(args.domains)
    now = utcnow()
    rows = [{"domain": e.domain, "severity": str(e.severity), "reject_media": e.reject_media,
             "reject_reports": e.reject_reports, "obfuscate": e.obfuscate, "public_comment": e.public_comment,
             "private_comment": "imported", "subscription_id": None, "severed_at": None, "created_at": now,
             "updated_at": now} for e in parse(text_csv, "csv", limit=args.domains).entries]
    with tempfile.TemporaryDirectory(prefix="fediart-bench-") as tmp:
        root = Path(tmp)
        path = root / "blocklist.csv"
        path.write_text(text_csv)
        print(f"{args.domains:,} domains, {path.stat().st_size:,} bytes of Mastodon CSV; medians (min-max) of "
              f"{args.runs} runs")

        async def no_cleanup(database):
            return None

        await bench("SQLite", lambda name: {"url": f"sqlite+aiosqlite:///{root}/{name}-{uuid.uuid4().hex}.sqlite3"},
                    root, path, rows, args.runs, no_cleanup)
        pg = args.pg_url or DEFAULT_PG
        if await pg_reachable(pg):
            async def drop(database):
                await drop_schema(pg, database["schema"])

            await bench("PostgreSQL", lambda name: {"url": pg, "schema": f"bench_{uuid.uuid4().hex[:12]}"},
                        root, path, rows, args.runs, drop)
        else:
            print(f"PostgreSQL   not reachable at {pg}; skipped")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--domains", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg-url", default=None, help=f"PostgreSQL URL (default {DEFAULT_PG}, used if reachable)")
    asyncio.run(main(parser.parse_args()))
