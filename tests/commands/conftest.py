"""Fixtures for running `fediart` subcommands in-process against the test app's services."""

import contextlib
import pkgutil
from importlib import import_module

import pytest

import fediart.commands
from fediart.cli import build_parser
from fediart.commands import CommandContext


@pytest.fixture
def cli(services, monkeypatch, capsys):
    """Run `fediart ARGS` in-process with the test app's services (whose HTTP client is the fake network);
    returns what the command printed."""
    @contextlib.asynccontextmanager
    async def running(config):
        yield services

    # Commands normally start their own services; each module imported the starter by name.
    for module in pkgutil.iter_modules(fediart.commands.__path__):
        command = import_module(f"fediart.commands.{module.name}")
        if hasattr(command, "running_services"):
            monkeypatch.setattr(command, "running_services", running)

    async def run(*argv: str) -> str:
        args = build_parser().parse_args(list(argv))
        assert await args.run(CommandContext(services.config, services.sessions, services.engine), args) == 0
        return capsys.readouterr().out

    return run
