"""The `fediart` command: parses arguments, runs the chosen subcommand, prints errors as one line."""

from __future__ import annotations

import argparse
import asyncio
import sys

from fediart.commands import DEFAULT_CONFIG, CliError, CommandContext
from fediart.config import ConfigError, load_config
from fediart.store.db import make_engine, make_sessionmaker


def _families():
    # Imported here so that `fediart --help` stays fast and a broken family names itself.
    from fediart.commands import setup, users

    families = [setup, users]
    for optional in ("posts", "follows", "interactions", "notifications", "worker", "blocks"):
        try:
            families.append(__import__(f"fediart.commands.{optional}", fromlist=["register"]))
        except ModuleNotFoundError as exc:
            if exc.name != f"fediart.commands.{optional}":
                raise
    return families


def _database_error(exc: BaseException) -> str | None:
    """A readable line for a database that cannot be reached, or None if exc is something else."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    text = text[0] if text else type(exc).__name__
    if isinstance(exc, (OperationalError, ConnectionRefusedError, OSError)):
        return f"cannot reach the database: {text}"
    if isinstance(exc, DBAPIError):
        return f"database error: {text}"
    return None


def run_with_database(args: argparse.Namespace) -> int:
    config = load_config(getattr(args, "config", DEFAULT_CONFIG))

    async def main() -> int | None:
        engine = make_engine(config)
        try:
            return await args.run(CommandContext(config, make_sessionmaker(engine), engine), args)
        finally:
            await engine.dispose()

    return asyncio.run(main()) or 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fediart", description="A federated home for artists.")
    parser.add_argument("--config", default=DEFAULT_CONFIG, help=f"config file (default: ./{DEFAULT_CONFIG})")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for family in _families():
        family.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if hasattr(args, "run"):
            return run_with_database(args)
        return args.func(args)
    except (CliError, ConfigError) as exc:
        print(f"fediart: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the database errors below are the admin's to fix, not a crash
        message = _database_error(exc)
        if message is None:
            raise
        print(f"fediart: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
