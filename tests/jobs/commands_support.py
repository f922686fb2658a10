"""Test support: run a `fediart` subcommand in-process against a test's database."""

from __future__ import annotations

from pathlib import Path

from fediart.cli import build_parser
from fediart.commands import CommandContext


async def run(services, config, *argv: str) -> int:
    args = build_parser().parse_args(list(argv))
    return await args.run(CommandContext(config, services.sessions, services.engine), args)


def local_files(services) -> dict[str, bytes]:
    root = Path(services.config.media.dir)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
