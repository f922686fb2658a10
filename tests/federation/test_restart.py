"""A real `fediart worker` killed with SIGKILL in the middle of a fan-out, then restarted: nothing is lost.

The remote servers are a loopback sink in this test process (several ports = several hosts) that
records every POST and answers 202 a little slowly, so the fan-out lasts a few seconds.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter

import pytest
from aiohttp import web
from sqlalchemy import func, insert
from sqlmodel import select

from fediart.config import load_config
from fediart.outbox.audience import follower_inboxes
from fediart.outbox.enqueue import enqueue
from fediart.store.accounts import create_account
from fediart.store.db import make_engine, make_sessionmaker
from fediart.store.migrate import ensure_schema, upgrade
from fediart.store.tables import Delivery, Follower, Actor

AS = "https://www.w3.org/ns/activitystreams"
FOLLOWERS = 400
HOSTS = 4
CONCURRENCY = 8
ANSWER_DELAY = 0.04  # 400 inboxes / 8 in flight × 40 ms ≈ 2 s of fan-out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """Loopback "remote servers": every POST is recorded as (inbox URL, activity id), then answered 202."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []
        self.ports = [free_port() for _ in range(HOSTS)]
        self.runner: web.AppRunner | None = None

    async def inbox(self, request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        self.received.append((f"http://{request.host}{request.path}", body["id"]))
        await asyncio.sleep(ANSWER_DELAY)
        return web.Response(status=202)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self.inbox)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        for port in self.ports:
            await web.TCPSite(self.runner, "127.0.0.1", port).start()

    async def stop(self) -> None:
        await self.runner.cleanup()


@pytest.fixture
async def sink():
    server = Sink()
    await server.start()
    yield server
    await server.stop()


async def make_instance(tmp_path, database_settings, sink: Sink):
    """Config, schema, an artist with FOLLOWERS followers on the sink, and one Create enqueued to all."""
    schema = database_settings.get("schema", "")
    domain = f"127.0.0.1:{free_port()}"  # no web server: the worker alone is under test
    path = tmp_path / "fediart.toml"
    path.write_text(f'[server]\ndomain = "{domain}"\n'
                    f'[database]\nurl = "{database_settings["url"]}"\nschema = "{schema}"\n'
                    f'[media]\ndir = "{tmp_path}/media"\n'
                    f'[federation]\nallow_private_addresses = true\n'
                    f'[worker]\nlease_seconds = 2.0\npoll_seconds = 0.2\nconcurrency = {CONCURRENCY}\n')
    config = load_config(path, env={})
    engine = make_engine(config)
    await ensure_schema(engine, schema)
    await upgrade(engine)
    sessions = make_sessionmaker(engine)
    async with sessions() as session:
        account = await create_account(session, "ana", display_name="Ana")
        actors = []
        for n in range(FOLLOWERS):
            uri = f"http://127.0.0.1:{sink.ports[n % HOSTS]}/users/f{n}"
            actors.append({"uri": uri, "domain": "127.0.0.1", "inbox": uri + "/inbox", "key_id": uri + "#main-key"})
        await session.exec(insert(Actor), params=actors)
        ids = (await session.exec(select(Actor.id))).all()
        await session.exec(insert(Follower), params=[
            {"account_id": account.id, "actor_id": i, "follow_uri": f"urn:test:follow:{i}", "state": "accepted"}
            for i in ids])
        actor = f"{config.base_url}/users/ana"
        note = {"id": f"{actor}/statuses/1", "type": "Note", "attributedTo": actor, "content": "<p>new work</p>",
                "to": [f"{AS}#Public"], "cc": [f"{actor}/followers"]}
        activity = {"@context": AS, "id": f"{note['id']}/activity", "type": "Create", "actor": actor,
                    "object": note, "to": note["to"], "cc": note["cc"]}
        await enqueue(session, account, activity, await follower_inboxes(session, account.id))
        await session.commit()
    return path, engine, sessions, activity["id"]


def start_worker(config_path, log_path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEDIART_")}
    env["FEDIART_LOG_LEVEL"] = "WARNING"
    return subprocess.Popen([sys.executable, "-m", "fediart", "worker", "--config", str(config_path)], env=env,
                            stdout=subprocess.DEVNULL, stderr=open(log_path, "ab"), start_new_session=True)


def stop(process: subprocess.Popen, sig: int) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
    process.wait(timeout=15)


async def wait_for(check, timeout: float, what: str, process: subprocess.Popen, log_path):
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value:
            return value
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}:\n{log_path.read_text(errors='replace')}")
        await asyncio.sleep(0.02)


async def test_worker_killed_mid_fan_out_delivers_everything_after_restart(tmp_path, database_settings, sink):
    config_path, engine, sessions, activity_id = await make_instance(tmp_path, database_settings, sink)
    log_path = tmp_path / "worker.log"

    async def sent_inboxes() -> set[str]:
        async with sessions() as session:
            return set((await session.exec(select(Delivery.inbox).where(Delivery.state == "sent"))).all())

    async def pending() -> int:
        async with sessions() as session:
            return (await session.exec(select(func.count()).where(Delivery.state != "sent"))).one()

    try:
        worker = start_worker(config_path, log_path)
        try:
            async def some_arrived() -> bool:
                return len(sink.received) >= FOLLOWERS // 4

            await wait_for(some_arrived, 30, "the fan-out to start", worker, log_path)
        finally:
            stop(worker, signal.SIGKILL)
        await asyncio.sleep(ANSWER_DELAY * 2)  # requests already at the sink finish arriving
        received_at_kill = {inbox for inbox, _ in sink.received}
        recorded_at_kill = await sent_inboxes()
        assert 0 < len(received_at_kill) < FOLLOWERS, "the kill did not land in the middle of the fan-out"
        assert recorded_at_kill <= received_at_kill  # nothing is marked sent that was not received

        worker = start_worker(config_path, log_path)
        try:
            async def all_sent() -> bool:
                return await pending() == 0

            await wait_for(all_sent, 60, "every delivery to be sent after the restart", worker, log_path)
        finally:
            stop(worker, signal.SIGTERM)
    finally:
        await engine.dispose()

    counts = Counter(inbox for inbox, _ in sink.received)
    inboxes = {f"http://127.0.0.1:{sink.ports[n % HOSTS]}/users/f{n}/inbox" for n in range(FOLLOWERS)}
    assert set(counts) == inboxes  # every inbox got the activity
    assert {activity for _, activity in sink.received} == {activity_id}
    in_flight = received_at_kill - recorded_at_kill  # POSTed, but the kill came before the result was written
    duplicated = {inbox for inbox, n in counts.items() if n > 1}
    print(f"\nkill after {len(received_at_kill)} of {FOLLOWERS} inboxes received ({len(recorded_at_kill)} recorded); "
          f"{len(in_flight)} in flight; {len(duplicated)} received twice; {len(sink.received)} POSTs in all")
    assert duplicated <= in_flight  # a duplicate only where the kill hid a result
    assert max(counts.values()) <= 2  # and at most one extra
    # In flight: the worker's slots, plus results waiting for their batched write (every 50 ms, so about one
    # more round of answers; a slow write under load can hold a little more).
    assert len(in_flight) <= 4 * CONCURRENCY
