"""A real uvicorn process on a free loopback port, spoken to over real HTTP."""

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from fediart.store.accounts import create_account
from fediart.store.db import make_engine, make_sessionmaker


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def running_server(tmp_path, database_settings):
    port = free_port()
    from helpers import make_config
    from fediart.store.migrate import ensure_schema, upgrade

    config = make_config(database_settings, tmp_path, domain=f"127.0.0.1:{port}")
    engine = make_engine(config)
    await ensure_schema(engine, config.database.schema)
    await upgrade(engine)
    async with make_sessionmaker(engine)() as session:
        await create_account(session, "ana", display_name="Ana")
    await engine.dispose()
    toml = tmp_path / "fediart.toml"
    schema_line = f'schema = "{config.database.schema}"\n' if config.database.schema else ""
    toml.write_text(f'[server]\ndomain = "127.0.0.1:{port}"\nport = {port}\n'
                    f'[database]\nurl = "{config.database.url}"\n{schema_line}'
                    f'[media]\ndir = "{tmp_path}/media"\n')
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
