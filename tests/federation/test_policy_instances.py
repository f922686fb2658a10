"""Domain policy between real fediart processes on loopback: allowlist mode and a limited peer.

All instances listen on 127.0.0.1, so the peer a rule names is reached as "localhost" (a domain a
rule can name) and the stranger as "127.0.0.1" (which no rule can name, so it is never allowed).
"""

from __future__ import annotations

import sqlite3

import pytest
from instance import Instance, eventually
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from test_two_instances import instance_rows


@pytest.fixture
async def peers(tmp_path, database_settings):
    """`await peers(name, host="127.0.0.1", mode="blocklist", rules=[...])` starts a configured instance."""
    started: list[Instance] = []

    async def start(name: str, host: str = "127.0.0.1", mode: str = "blocklist", rules=()) -> Instance:
        instance = Instance(tmp_path, database_settings, name)
        instance.domain = f"{host}:{instance.port}"
        instance.base_url = f"http://{instance.domain}"
        config = instance.config_path.read_text().replace(f'"127.0.0.1:{instance.port}"', f'"{instance.domain}"')
        instance.config_path.write_text(config.replace("[federation]\n", f'[federation]\nmode = "{mode}"\n'))
        started.append(instance)
        instance.cli("migrate")
        for statement in rules:
            await execute(instance, statement)
        await instance.start()
        return instance

    yield start
    for instance in started:
        instance.stop()
    if not database_settings["url"].startswith("sqlite"):
        engine = create_async_engine(database_settings["url"])
        async with engine.begin() as conn:
            for instance in started:
                await conn.execute(text(f'DROP SCHEMA IF EXISTS "{instance.schema}" CASCADE'))
        await engine.dispose()


async def delivered(instance: Instance) -> bool:
    """Whether every delivery the instance queued was sent (the receiver answered 2xx)."""
    if instance.schema:
        from helpers import PG_URL

        engine = create_async_engine(PG_URL, connect_args={"server_settings": {"search_path": instance.schema}})
        async with engine.connect() as conn:
            states = [r[0] for r in (await conn.execute(text("SELECT state FROM delivery"))).all()]
        await engine.dispose()
    else:
        with sqlite3.connect(instance.root / "fediart.sqlite3") as db:
            states = [r[0] for r in db.execute("SELECT state FROM delivery")]
    return bool(states) and set(states) == {"sent"}


async def execute(instance: Instance, statement: str) -> None:
    if instance.schema:
        from helpers import PG_URL

        engine = create_async_engine(PG_URL, connect_args={"server_settings": {"search_path": instance.schema}})
        async with engine.begin() as conn:
            await conn.execute(text(statement))
        await engine.dispose()
        return
    with sqlite3.connect(instance.root / "fediart.sqlite3") as db:
        db.execute(statement)


ALLOW_LOCALHOST = "INSERT INTO domain_allow (domain, public_comment, private_comment, created_at) " \
                  "VALUES ('localhost', '', '', CURRENT_TIMESTAMP)"
SILENCE_LOCALHOST = ("INSERT INTO domain_block (domain, severity, reject_media, reject_reports, obfuscate, "
                     "public_comment, private_comment, created_at, updated_at) VALUES ('localhost', 'silence', "
                     "false, false, false, '', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")


async def test_allowlist_mode_federates_with_the_allowed_peer_only(peers):
    a = await peers("a", mode="allowlist", rules=[ALLOW_LOCALHOST])
    b = await peers("b", host="localhost")
    c = await peers("c")
    a.cli("user", "create", "ana")
    b.cli("user", "create", "bob")
    c.cli("user", "create", "cat")

    b.cli("follow", "bob", a.handle("ana"))
    await eventually(lambda: "accepted" in a.cli("follower", "list", "ana").stdout, what="bob following ana")
    refused = c.cli("follow", "cat", a.handle("ana"), check=False)
    a.cli("post", "ana", "--text", "For my allowed friends")
    await eventually(lambda: instance_rows(b, "Create"), what="ana's post at b")

    # c's Follow (if c could send it at all) is dropped: nothing stored at a, nothing sent to c.
    assert refused.returncode == 0, refused.stderr  # c may look ana up; a answers public documents
    await eventually(lambda: delivered(c), what="c's Follow delivered to a (answered 202)")
    assert await instance_rows(a, "Follow") and len(await instance_rows(a, "Follow")) == 1
    assert await instance_rows(c, "Create") == [] and await instance_rows(c, "Accept") == []
    assert "bob@localhost" in a.cli("follower", "list", "ana").stdout
    assert "cat" not in a.cli("follower", "list", "ana").stdout


async def test_a_limited_peers_follow_becomes_a_request(peers):
    a = await peers("a", rules=[SILENCE_LOCALHOST])
    b = await peers("b", host="localhost")
    a.cli("user", "create", "ana")
    b.cli("user", "create", "bob")
    b.cli("follow", "bob", a.handle("ana"))
    await eventually(lambda: "pending" in a.cli("follower", "list", "ana").stdout, what="bob's request at a")
    assert await instance_rows(b, "Accept") == []
