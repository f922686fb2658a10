"""`fediart worker --metrics-port`: a worker running apart from the web servers shows its own delivery counters."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

import httpx
from helpers import make_config
from prometheus_client.parser import text_string_to_metric_families
from test_ops_health import free_port

from fediart.outbox.enqueue import enqueue
from fediart.store.accounts import create_account
from fediart.store.db import make_engine, make_sessionmaker
from fediart.store.migrate import ensure_schema, upgrade


async def start_inbox(received: list[bytes]) -> asyncio.Server:
    """A remote inbox on loopback that reads a request and answers 202."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        received.append(head + await reader.readexactly(length))
        writer.write(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    return await asyncio.start_server(answer, "127.0.0.1", 0)


def delivered(text: str) -> float:
    return sum(s.value for f in text_string_to_metric_families(text) for s in f.samples
               if s.name == "fediart_delivery_attempts_total" and s.labels == {"outcome": "delivered"})


async def test_a_separate_worker_serves_its_delivery_counters(tmp_path, database_settings):
    received: list[bytes] = []
    inbox_server = await start_inbox(received)
    inbox = f"http://127.0.0.1:{inbox_server.sockets[0].getsockname()[1]}/inbox"
    port, metrics_port = free_port(), free_port()
    config = make_config(database_settings, tmp_path, domain=f"127.0.0.1:{port}")
    engine = make_engine(config)
    await ensure_schema(engine, config.database.schema)
    await upgrade(engine)
    async with make_sessionmaker(engine)() as session:
        ana = await create_account(session, "ana", display_name="Ana")
        actor = f"http://127.0.0.1:{port}/users/ana"
        await enqueue(session, ana, {"id": actor + "/statuses/1/activity", "type": "Create", "actor": actor,
                                     "object": {"id": actor + "/statuses/1", "type": "Note"}}, [inbox])
        await session.commit()
    await engine.dispose()
    schema_line = f'schema = "{config.database.schema}"\n' if config.database.schema else ""
    toml = tmp_path / "fediart.toml"
    toml.write_text(f'[server]\ndomain = "127.0.0.1:{port}"\n[federation]\nallow_private_addresses = true\n'
                    f'[database]\nurl = "{config.database.url}"\n{schema_line}[media]\ndir = "{tmp_path}/media"\n')
    process = subprocess.Popen([sys.executable, "-m", "fediart", "worker", "--config", str(toml),
                                "--metrics-port", str(metrics_port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True, text=True)
    text = ""
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(600):  # up to 30 s for the process to start and deliver
                try:
                    text = (await http.get(f"http://127.0.0.1:{metrics_port}/metrics")).text
                    if delivered(text) == 1:
                        break
                except httpx.TransportError:
                    pass
                if process.poll() is not None:
                    break
                await asyncio.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output = process.communicate(timeout=20)[0]
        inbox_server.close()
    assert delivered(text) == 1, output
    assert len(received) == 1 and received[0].startswith(b"POST /inbox ")
    assert "process_resident_memory_bytes" in text  # the process's own resource use comes along


async def test_a_metrics_port_in_use_is_a_clear_error(tmp_path, migrated):
    toml = tmp_path / "fediart.toml"
    schema_line = f'schema = "{migrated.database.schema}"\n' if migrated.database.schema else ""
    toml.write_text(f'[server]\ndomain = "art.example"\n[database]\nurl = "{migrated.database.url}"\n{schema_line}'
                    f'[media]\ndir = "{tmp_path}/media"\n')
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "fediart", "worker", "--config", str(toml),
                                 "--metrics-port", str(port)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"fediart: --metrics-port {port}: cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr
