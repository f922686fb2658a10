"""The `fediart` command: parses arguments, runs the chosen subcommand, prints errors as one line."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from fediart.commands import DEFAULT_CONFIG, CliError, CommandContext
from fediart.config import ConfigError, load_config
from fediart.coherence import make_broadcaster
from fediart.store.db import DatabaseNotReady, make_engine, make_sessionmaker
from fediart.text import terminal_safe


def _families():
    # Imported here so that `fediart --help` stays fast and a broken family names itself.
    from fediart.commands import setup, users

    families = [setup, users]
    for optional in ("posts", "follows", "interactions", "notifications", "worker", "blocks", "crawlers",
                     "reports", "inspect", "albums", "credentials", "originals", "media", "jobs"):
        try:
            families.append(__import__(f"fediart.commands.{optional}", fromlist=["register"]))
        except ModuleNotFoundError as exc:
            if exc.name != f"fediart.commands.{optional}":
                raise
    return families


def _database_error(exc: BaseException) -> str | None:
    """A readable line for a database failure during a command, or None if exc is something else."""
    from sqlalchemy.exc import DBAPIError

    from fediart.store.migrate import first_line

    if isinstance(exc, DBAPIError):
        return f"database error: {first_line(exc)}"
    return None


def _os_error(exc: OSError) -> str:
    """An operating-system failure (a file, a socket, a full disk) said as what it is, not blamed on the database."""
    what = exc.strerror or str(exc) or type(exc).__name__
    return f"{what}: {exc.filename}" if exc.filename else what


def _quiet_broken_pipe() -> int:
    # The reader went away (`fediart post … | head -1`): what was done is done and there is no one to tell.
    # As Python's documentation advises, point stdout at /dev/null so the flush at exit cannot fail
    # again, and exit 1 without a message.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 1


def run_with_database(args: argparse.Namespace) -> int:
    from fediart.store.migrate import check_ready  # alembic: loaded only when a command needs the database

    config = load_config(getattr(args, "config", DEFAULT_CONFIG))

    async def main() -> int | None:
        engine = make_engine(config)
        sessions = make_sessionmaker(engine)
        # Running servers and workers hear of what this command changes (PostgreSQL; see coherence.py).
        broadcaster = make_broadcaster(config, engine)
        if broadcaster is not None:
            broadcaster.attach(sessions)
        try:
            if getattr(args, "needs_schema", True):  # every command but `migrate`
                await check_ready(engine, config)
            return await args.run(CommandContext(config, sessions, engine), args)
        finally:
            if broadcaster is not None:
                await broadcaster.flush()
            await engine.dispose()

    return asyncio.run(main()) or 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fediart", description="A federated home for artists.")
    parser.add_argument("--config", default=DEFAULT_CONFIG, help=f"config file (default: ./{DEFAULT_CONFIG})")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for family in _families():
        family.register(sub)
    return parser


def _fail(message: str) -> int:
    # Messages quote remote names, URLs and server answers: one safe line, whatever they hold.
    print(f"fediart: {terminal_safe(message)}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = run_with_database(args) if hasattr(args, "run") else args.func(args)
        sys.stdout.flush()  # here, not at exit, so that a closed pipe is handled below
        return code
    except (CliError, ConfigError, DatabaseNotReady) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except OSError as exc:
        return _fail(_os_error(exc))
    except Exception as exc:  # the database errors below are the admin's to fix, not a crash
        message = _database_error(exc)
        if message is None:
            raise
        return _fail(message)


if __name__ == "__main__":
    sys.exit(main())
