"""A real uvicorn process on a free loopback port, spoken to over real HTTP."""

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from helpers import BACKEND

from fediart.store.accounts import create_account
from fediart.store.db import make_engine, make_sessionmaker


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def instance_with_ana(tmp_path, database_settings, port: int):
    """A migrated database with one artist and the fediart.toml a process reads it with."""
    from helpers import migrated_loopback_config

    config = await migrated_loopback_config(database_settings, tmp_path, port)
    engine = make_engine(config)
    async with make_sessionmaker(engine)() as session:
        await create_account(session, "ana", display_name="Ana")
    await engine.dispose()
    toml = tmp_path / "fediart.toml"
    schema_line = f'schema = "{config.database.schema}"\n' if config.database.schema else ""
    toml.write_text(f'[server]\ndomain = "127.0.0.1:{port}"\nport = {port}\n'
                    f'[database]\nurl = "{config.database.url}"\n{schema_line}'
                    f'[media]\ndir = "{tmp_path}/media"\n')
    return toml


@pytest.fixture
async def running_server(tmp_path, database_settings):
    port = free_port()
    toml = await instance_with_ana(tmp_path, database_settings, port)
    process = subprocess.Popen([sys.executable, "-m", "fediart", "serve", "--config", str(toml)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx.get(base + "/.well-known/nodeinfo", timeout=1)
            break
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise AssertionError("server did not start:\n" + process.stdout.read().decode())
            time.sleep(0.1)
    yield base
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=10)


async def test_webfinger_then_actor_over_real_http(running_server):
    host = running_server.removeprefix("http://")
    async with httpx.AsyncClient(base_url=running_server) as http:
        finger = await http.get("/.well-known/webfinger", params={"resource": f"acct:ana@{host}"})
        assert finger.status_code == 200
        self_link = next(link["href"] for link in finger.json()["links"] if link["rel"] == "self")
        assert self_link == f"{running_server}/users/ana"
        actor = await http.get(self_link, headers={"Accept": "application/activity+json"})
        assert actor.status_code == 200
        assert actor.headers["content-type"] == "application/activity+json"
        assert actor.json()["preferredUsername"] == "ana"
        assert actor.headers["tdm-reservation"] == "1"
        assert "server" not in actor.headers  # no software banner for scanners


# What a serving process must not hold until it needs it: alembic (only `fediart migrate`), pyld
# (expanding JSON-LD, which no hot path does), c2pa (signing and reading Content Credentials), Pillow
# and blurhash (the first image processed), authlib's OAuth 2 and argon2 (the first sign-in), jinja2
# (the first page rendered) and, on SQLite, asyncpg (PostgreSQL's listener and driver).
NEVER_AT_IDLE = ("alembic", "pyld", "c2pa", "mako", "PIL", "blurhash", "authlib.oauth2", "argon2", "asyncpg")
LEAN_PROBE = """
import asyncio, sys
import httpx
from fediart.app import create_app
from fediart.config import load_config

def held(names):
    return ",".join(sorted(m for m in names if m in sys.modules)) or "none"

async def main():
    names = sys.argv[3].split(",")
    app = create_app(load_config(sys.argv[1]))
    async with app.router.lifespan_context(app):
        print(held([*names, "jinja2"]))  # started, nothing asked yet
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=sys.argv[2]) as client:
            for path, accept in (("/.well-known/webfinger?resource=acct:ana@" + sys.argv[2][7:], "*/*"),
                                 ("/users/ana", "application/activity+json"), ("/@ana", "text/html"),
                                 ("/api/v1/instance", "*/*"), ("/robots.txt", "*/*")):
                response = await client.get(path, headers={"Accept": accept})
                assert response.status_code == 200, (path, response.status_code)
    print(held(names))  # after the hot GETs, a page among them

asyncio.run(main())
"""


async def test_a_serving_process_loads_no_library_before_it_needs_it(tmp_path, database_settings):
    port = free_port()
    toml = await instance_with_ana(tmp_path, database_settings, port)
    # On PostgreSQL the engine itself speaks through asyncpg.
    lazy = [name for name in NEVER_AT_IDLE if not (name == "asyncpg" and BACKEND == "postgresql")]
    result = subprocess.run([sys.executable, "-c", LEAN_PROBE, str(toml), f"http://127.0.0.1:{port}", ",".join(lazy)],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["none", "none"]
