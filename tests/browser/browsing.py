"""Test support for the headless Chromium tests: finding the browser, running async work beside
Playwright's sync API, reading an instance's database, and signing in through the real login form.

Playwright's sync API keeps its own event loop on the test's thread, so the async parts of the federation
helpers (starting an Instance, database reads) run on a worker thread with their own `asyncio.run`.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
# Flags that work in containers without a GPU or a setuid sandbox; no background traffic to Google.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
PASSWORD = "a long enough password"


def chromium_path() -> str | None:
    """The Chromium to drive: FEDIART_CHROMIUM, else the system's (Debian installs /usr/bin/chromium)."""
    configured = os.environ.get("FEDIART_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install -e '.[test]')"
    if chromium_path() is None:
        return "Chromium is not installed (apt-get install chromium, or set FEDIART_CHROMIUM)"
    return None


def in_thread(function, *args):
    """Run `function(*args)` on a fresh thread; a coroutine function gets its own event loop there."""
    def call():
        if asyncio.iscoroutinefunction(function):
            return asyncio.run(function(*args))
        return function(*args)

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def wait_for(check, timeout: float = 30.0, interval: float = 0.25, what: str = "condition"):
    """Poll a plain check until it returns something truthy; that value is returned."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}; last value: {last!r}")


def query(instance, sql: str, **params) -> list[tuple]:
    """Rows of a read-only query on an instance's own database (SQLite file or PostgreSQL schema)."""
    if not instance.schema:
        with sqlite3.connect(instance.root / "fediart.sqlite3") as db:
            return db.execute(sql, params).fetchall()

    async def on_postgres():
        from sqlalchemy import text
        from sqlalchemy.ext.asyncio import create_async_engine

        from helpers import PG_URL

        engine = create_async_engine(PG_URL, connect_args={"server_settings": {"search_path": instance.schema}})
        try:
            async with engine.connect() as conn:
                return [tuple(row) for row in (await conn.execute(text(sql), params)).all()]
        finally:
            await engine.dispose()

    return in_thread(on_postgres)


def sign_in(page, base_url: str, username: str, password: str = PASSWORD, next_path: str = "/studio") -> None:
    """Sign in through the login form as a person does; the page ends on `next_path`."""
    page.goto(f"{base_url}/login?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}{next_path}*")


# Elements whose box reaches past the right edge of the viewport. A parent with overflow: hidden keeps
# scrollWidth small while its text is cut off, so the boxes are checked as well as the scroll width.
_PAST_THE_EDGE = """() => {
  const limit = window.innerWidth + 1;
  const out = [];
  if (document.documentElement.scrollWidth > limit) out.push(`page is ${document.documentElement.scrollWidth}px wide`);
  for (const e of document.querySelectorAll('body *')) {
    const box = e.getBoundingClientRect();
    if (box.width > 0 && box.height > 0 && box.right > limit) {
      const text = (e.innerText || e.getAttribute('alt') || '').trim().slice(0, 40);
      out.push(`<${e.tagName.toLowerCase()} class="${e.className}"> right=${Math.round(box.right)} "${text}"`);
    }
  }
  return out.slice(0, 10);
}"""


def past_the_edge(page) -> list[str]:
    """What does not fit the viewport's width (empty when the page fits)."""
    return page.evaluate(_PAST_THE_EDGE)
