"""GET /healthz: 200 when the database answers with the schema this code needs, 503 with the reason
otherwise; asked afresh each time, never cached, open to every user agent, and kept out of the access log."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from alembic.script import ScriptDirectory
from helpers import BACKEND, assert_licence_headers, make_config, migrated_loopback_config
from sqlalchemy import text

from fediart.app import create_app
from fediart.store.migrate import alembic_config, known_revisions

_, HEAD = known_revisions()


async def test_healthy_answers_200_never_cached_even_to_an_ai_crawler(client):
    response = await client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert response.headers["cache-control"] == "no-store"
    assert_licence_headers(response)
    crawler = await client.get("/healthz", headers={"User-Agent": "Mozilla/5.0 (compatible; GPTBot/1.2)"})
    assert crawler.status_code == 200  # a load balancer's probe is not a page people look at
    assert (await client.head("/healthz")).status_code == 200


async def set_revision(services, revision: str) -> None:
    async with services.engine.begin() as conn:
        await conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


async def test_a_schema_behind_the_code_is_503_until_migrated(client, services):
    older = ScriptDirectory.from_config(alembic_config()).get_revision(HEAD).down_revision
    await set_revision(services, older)
    response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["status"] == "schema_mismatch"
    assert older in body["reason"] and HEAD in body["reason"]
    await set_revision(services, HEAD)  # the next probe asks again: nothing remembered
    assert (await client.get("/healthz")).status_code == 200


async def probe(config) -> httpx.Response:
    """GET /healthz from an app over that config; no lifespan, which would refuse such a database."""
    app = create_app(config, run_worker=False)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=config.base_url) as http:
            return await http.get("/healthz")
    finally:
        await app.state.services.engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_an_unreachable_database_is_503_with_the_reason(tmp_path):
    nobody = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/test"  # nothing listens there
    response = await probe(make_config({"url": nobody}, tmp_path))
    assert response.status_code == 503
    assert response.json()["status"] == "database_unreachable"
    assert "cannot reach the database" in response.json()["reason"]


async def test_a_database_that_never_answers_is_503_within_the_timeout(tmp_path):
    accepted: list[asyncio.StreamWriter] = []

    async def hang(reader, writer):  # accepts the connection, then says nothing
        accepted.append(writer)

    server = await asyncio.start_server(hang, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        response = await asyncio.wait_for(
            probe(make_config({"url": f"postgresql+asyncpg://postgres@127.0.0.1:{port}/test"}, tmp_path)), 30)
    finally:
        for writer in accepted:
            writer.close()
        server.close()
    assert response.status_code == 503
    assert response.json() == {"status": "database_unreachable",
                               "reason": "the database did not answer within 2 s"}


@pytest.mark.skipif(BACKEND != "sqlite", reason="an SQLite file")
async def test_a_missing_sqlite_file_is_503_and_is_not_created(client, migrated):
    path = migrated.database.url.split(":///", 1)[1]
    os.rename(path, path + ".moved")
    response = await client.get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "database_unreachable"
    assert not os.path.exists(path)


async def test_several_server_processes_answer_and_keep_probes_out_of_the_access_log(tmp_path, database_settings):
    port = free_port()
    config = await migrated_loopback_config(database_settings, tmp_path, port)
    workers = 2 if BACKEND == "postgresql" else 1  # SQLite serves from one process
    schema_line = f'schema = "{config.database.schema}"\n' if config.database.schema else ""
    toml = tmp_path / "fediart.toml"
    toml.write_text(f'[server]\ndomain = "127.0.0.1:{port}"\nport = {port}\nworkers = {workers}\naccess_log = true\n'
                    f'metrics = true\n[worker]\nin_serve = false\n'
                    f'[database]\nurl = "{config.database.url}"\n{schema_line}[media]\ndir = "{tmp_path}/media"\n')
    process = subprocess.Popen([sys.executable, "-m", "fediart", "serve", "--config", str(toml)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("the server did not become healthy")
            time.sleep(0.1)
        async with httpx.AsyncClient(base_url=base) as http:
            # Fresh connections, so that with two processes both get some of them.
            answers = [(await http.get("/healthz", headers={"Connection": "close"})).status_code for _ in range(20)]
            assert answers == [200] * 20
            assert (await http.get("/metrics")).status_code == 200
            assert (await http.get("/.well-known/nodeinfo")).status_code == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output = process.communicate(timeout=20)[0]
    assert '"GET /.well-known/nodeinfo HTTP/1.1" 200' in output  # the access log is on
    assert "/healthz" not in output and "GET /metrics" not in output
