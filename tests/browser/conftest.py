"""Fixtures for the headless Chromium tests: real fediart processes and one browser per module.

Servers are real `fediart serve` processes (tests/federation/instance.py) on the database the suite runs
on; the browser is the system's Chromium driven by Playwright, with a fresh context (cookies, storage,
viewport) for every test. Without Chromium or Playwright these tests skip, saying why; with
FEDIART_REQUIRE_BROWSER=1 (set in CI) that is a failure instead.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from browsing import AXE, CHROMIUM_ARGS, chromium_path, in_thread, missing_browser
from instance import Instance

from helpers import BACKEND, PG_URL, postgres_problem


def _unavailable(reason: str):
    if os.environ.get("FEDIART_REQUIRE_BROWSER"):
        pytest.fail(f"{reason} (FEDIART_REQUIRE_BROWSER is set)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    reason = missing_browser()
    if reason:
        _unavailable(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser):
    """A factory of fresh browser contexts (`new_context(viewport=..., bypass_csp=...)`), closed afterwards."""
    opened = []

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()


@pytest.fixture
def axe_script() -> Path:
    if not AXE.exists():
        _unavailable(f"{AXE} is missing: run `npm ci --prefix {AXE.parents[2]}` (make test does)")
    return AXE


async def _drop_schemas(schemas: list[str]) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(PG_URL)
    async with engine.begin() as conn:
        for schema in schemas:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    await engine.dispose()


@pytest.fixture(scope="module")
def module_database() -> dict:
    """[database] settings shared by a module's instances (each instance adds its own schema or file)."""
    if BACKEND == "sqlite":
        return {"url": "sqlite+aiosqlite://"}  # Instance puts each instance's file in its own folder
    problem = in_thread(postgres_problem)
    if problem:
        if os.environ.get("FEDIART_REQUIRE_POSTGRES"):
            pytest.fail(problem)
        pytest.skip(problem)
    return {"url": PG_URL, "schema": f"b_{uuid.uuid4().hex[:12]}"}


@pytest.fixture(scope="module")
def servers(tmp_path_factory, module_database, browser):
    """A factory: `servers("a", title=...)` starts a fediart instance for this module; all stop when it ends.

    Asks for `browser` so that a machine without Chromium skips before any server starts.
    """
    root = tmp_path_factory.mktemp("servers")
    started: list[Instance] = []

    def start(name: str, title: str | None = None) -> Instance:
        instance = Instance(root, module_database, name)
        if title:  # the name shown in page headers (Instance uses its short name, also a folder name)
            config = instance.config_path.read_text()
            instance.config_path.write_text(config.replace(f'instance_name = "{name}"', f'instance_name = "{title}"'))
        started.append(instance)
        in_thread(instance.start)
        return instance

    yield start
    for instance in started:
        instance.stop()
    if module_database.get("schema"):
        in_thread(_drop_schemas, [instance.schema for instance in started])


@pytest.fixture
def screenshots(tmp_path) -> Path:
    """Where screenshots go: FEDIART_SCREENSHOTS (`make screenshots` sets docs/screenshots), else tmp_path."""
    folder = Path(os.environ.get("FEDIART_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
