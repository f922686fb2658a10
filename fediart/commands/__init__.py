"""What the CLI subcommands do, one module per family. Each module's `register(sub)` adds its parsers.

A leaf parser sets either `run=` an async function `(ctx, args) -> int` that gets a database, or
`func=` a plain function `(args) -> int`.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from fediart.config import Config

DEFAULT_CONFIG = "fediart.toml"


class CliError(Exception):
    """A failure to report as one line on stderr."""


@dataclass
class CommandContext:
    config: Config
    sessions: async_sessionmaker
    engine: AsyncEngine


def add_parser(sub, name: str, help_text: str) -> argparse.ArgumentParser:
    """A subcommand parser that takes --config like every other."""
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.add_argument("--config", default=argparse.SUPPRESS, help=f"config file (default: ./{DEFAULT_CONFIG})")
    return parser
