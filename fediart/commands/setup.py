"""`fediart init`, `migrate` and `serve`: creating, upgrading and running an instance."""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path

import tomli_w

from fediart.commands import DEFAULT_CONFIG, CliError, CommandContext, add_parser
from fediart.config import Config, absolute_sqlite_url, config_from_dict, default_config_dict, load_config
from fediart.store.accounts import ensure_instance_actor
from fediart.store.db import is_sqlite, make_engine, make_sessionmaker
from fediart.store.migrate import check_database, current_and_head, ensure_schema, upgrade


async def migrate(ctx: CommandContext, args: argparse.Namespace | None = None) -> int:
    await ensure_schema(ctx.engine, ctx.config.database.schema)
    before, head = await current_and_head(ctx.engine)
    await upgrade(ctx.engine)
    if before == head:
        print(f"database is up to date (revision {head})")
    else:
        print(f"database upgraded from {before or 'empty'} to {head}")
    async with ctx.sessions() as session:
        await ensure_instance_actor(session)
    return 0


def _as_written(typed: str, folder: Path) -> str:
    """A directory given on the command line, as the config file in `folder` names it (relative if inside)."""
    target = Path(os.path.abspath(Path(typed).expanduser()))
    try:
        inside = target.relative_to(folder).as_posix()
    except ValueError:
        return str(target)
    return "." if inside == "." else f"./{inside}"


def init(args: argparse.Namespace) -> int:
    path = Path(getattr(args, "config", DEFAULT_CONFIG))
    if path.exists() and not args.force:
        raise CliError(f"{path} already exists; use --force to overwrite it")
    # Paths typed here are relative to the current directory; in the file they are relative to its folder.
    folder = Path(os.path.abspath(path.parent))
    database = absolute_sqlite_url(args.database, Path.cwd(), "--database") if args.database else None
    data_dir = _as_written(args.data_dir, folder) if args.data_dir else "./data"  # default: beside the file
    raw = default_config_dict(args.domain.strip().lower(), database, data_dir=data_dir)
    config_from_dict(raw, str(path), dict(os.environ))  # validate before writing anything
    path.write_text(
        "# fediart configuration, written by `fediart init`. Every key is documented in config.example.toml.\n"
        + tomli_w.dumps(raw),
        encoding="utf-8",
    )
    config = load_config(path)
    print(f"wrote {path} for {config.base_url}")
    from fediart.commands.credentials import create_keys

    for line in create_keys(config, keep=True):
        print(line)

    async def create_database() -> None:
        engine = make_engine(config)
        try:
            await migrate(CommandContext(config, make_sessionmaker(engine), engine))
        finally:
            await engine.dispose()

    asyncio.run(create_database())
    print("next: `fediart user create NAME` to add an artist, then `fediart serve`")
    return 0


def _check_workers(config: Config, workers_option: int | None) -> int:
    """The number of server processes; more than one is refused on SQLite."""
    workers = workers_option or config.server.workers
    if workers > 1 and is_sqlite(config.database.url):
        # SQLite lets one process write at a time: each extra process (with its background worker) would
        # queue behind the others' inbox and delivery writes and fail requests after the busy timeout.
        where = f"--workers {workers}" if workers_option else f"[server] workers = {workers} in {config.path}"
        raise CliError(f"{where} needs PostgreSQL; SQLite serves from one process (use --workers 1)")
    return workers


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    config_path = getattr(args, "config", DEFAULT_CONFIG)
    config = load_config(config_path)
    workers = _check_workers(config, args.workers)
    asyncio.run(check_database(config))  # one line now, rather than a traceback from each worker
    os.environ["FEDIART_CONFIG"] = str(Path(config_path).resolve())
    uvicorn.run(
        "fediart.asgi:app_factory",
        factory=True,
        host=args.host or config.server.host,
        port=args.port or config.server.port,
        workers=workers,
        access_log=config.server.access_log,
        proxy_headers=True,
        server_header=False,
    )
    return 0


def register(sub) -> None:
    p = add_parser(sub, "init", "write a config file and create the database")
    p.add_argument("--domain", required=True, help="public domain, e.g. art.example (or localhost:8000)")
    p.add_argument("--database", help="database URL (default: SQLite under --data-dir)")
    p.add_argument("--data-dir", help="where SQLite and media live (default: data/ beside the config file)")
    p.add_argument("--force", action="store_true", help="overwrite an existing config file")
    p.set_defaults(func=init)

    p = add_parser(sub, "migrate", "upgrade the database schema to this version of fediart")
    p.set_defaults(run=migrate, needs_schema=False)

    p = add_parser(sub, "serve", "run the web server (and, by default, the background worker)")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--workers", type=int, help="server processes (use PostgreSQL for more than one)")
    p.set_defaults(func=serve)
