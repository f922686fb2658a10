"""The `fediart` command: init, migrate, serve, and admin subcommands. Errors are one line and exit 1."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import tomli_w

from fediart.commands import CliError
from fediart.config import Config, ConfigError, config_from_dict, default_config_dict, load_config
from fediart.store.db import make_engine, make_sessionmaker

DEFAULT_CONFIG = "fediart.toml"


def _database_error(exc: BaseException) -> str | None:
    """A readable line for a database that cannot be reached, or None if exc is something else."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, (OperationalError, ConnectionRefusedError, OSError)):
        return f"cannot reach the database: {text}"
    if isinstance(exc, DBAPIError):
        return f"database error: {text}"
    return None


def run_async(config: Config, work: Callable[..., Awaitable[int | None]]) -> int:
    """Run `work(config, sessions, engine)` with an engine that is disposed afterwards."""

    async def main() -> int | None:
        engine = make_engine(config)
        try:
            return await work(config, make_sessionmaker(engine), engine)
        finally:
            await engine.dispose()

    return asyncio.run(main()) or 0


def cmd_init(args: argparse.Namespace) -> int:
    from fediart.commands.setup import init_database

    path = Path(args.config)
    if path.exists() and not args.force:
        raise CliError(f"{path} already exists; use --force to overwrite it")
    raw = default_config_dict(args.domain.strip().lower(), args.database, data_dir=args.data_dir)
    config = config_from_dict(raw, str(path), dict(os.environ))  # validate before writing anything
    path.write_text(
        "# fediart configuration, written by `fediart init`. Every key is documented in config.example.toml.\n"
        + tomli_w.dumps(raw),
        encoding="utf-8",
    )
    print(f"wrote {path} for {config.base_url}")
    return run_async(config, init_database)


def cmd_migrate(args: argparse.Namespace) -> int:
    from fediart.commands.setup import migrate

    return run_async(load_config(args.config), migrate)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    config = load_config(args.config)
    os.environ["FEDIART_CONFIG"] = str(Path(args.config).resolve())
    uvicorn.run(
        "fediart.asgi:app_factory",
        factory=True,
        host=args.host or config.server.host,
        port=args.port or config.server.port,
        workers=args.workers or config.server.workers,
        access_log=config.server.access_log,
        proxy_headers=True,
        server_header=False,
    )
    return 0


def cmd_user(args: argparse.Namespace) -> int:
    from fediart.commands import users

    config = load_config(args.config)
    action = {"create": users.create, "list": users.list_, "show": users.show}[args.user_command]
    return run_async(config, lambda c, s, e: action(c, s, args))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fediart", description="A federated home for artists.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--config", default=DEFAULT_CONFIG, help="config file (default: ./fediart.toml)")
        return p

    p = add("init", "write a config file and create the database")
    p.add_argument("--domain", required=True, help="public domain, e.g. art.example (or localhost:8000)")
    p.add_argument("--database", help="database URL (default: SQLite under --data-dir)")
    p.add_argument("--data-dir", default="./data", help="where SQLite and media live (default: ./data)")
    p.add_argument("--force", action="store_true", help="overwrite an existing config file")
    p.set_defaults(func=cmd_init)

    p = add("migrate", "upgrade the database schema to this version of fediart")
    p.set_defaults(func=cmd_migrate)

    p = add("serve", "run the web server")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--workers", type=int, help="server processes (use PostgreSQL for more than one)")
    p.set_defaults(func=cmd_serve)

    p = add("user", "manage artist accounts")
    user_sub = p.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    create = user_sub.add_parser("create", help="create an artist account")
    create.add_argument("name")
    create.add_argument("--display-name", default="")
    create.add_argument("--bio", default="", help="profile text (plain text; links become clickable)")
    create.add_argument("--licence", default=None, help="licence key, e.g. cc-by-nc-nd-4.0 (default: instance default)")
    create.add_argument("--allow-ai-training", action="store_true", help="do not reserve AI-training rights")
    create.add_argument("--generative-only", action="store_true", help="reserve only generative-AI training")
    create.add_argument("--allow-search-indexing", action="store_true", help="opt in to search indexing")
    create.add_argument("--manual-approval", action="store_true", help="approve each follower by hand")
    create.add_argument("--field", action="append", default=[], metavar="NAME=VALUE", help="profile field (repeatable)")
    create.add_argument("--if-no-users", action="store_true", help="do nothing if any artist account exists")
    user_sub.add_parser("list", help="list artist accounts")
    show = user_sub.add_parser("show", help="show an account's handle, actor URL and licence")
    show.add_argument("name")
    for q in (create, show, user_sub.choices["list"]):
        q.add_argument("--config", default=argparse.SUPPRESS, help="config file (default: ./fediart.toml)")
    p.set_defaults(func=cmd_user)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (CliError, ConfigError) as exc:
        print(f"fediart: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the database errors below are the admin's to fix
        message = _database_error(exc)
        if message is None:
            raise
        print(f"fediart: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
