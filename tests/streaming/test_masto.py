"""The streaming API as masto (the npm library Elk and Phanpy are built on) uses it: the token as the
WebSocket subprotocol, which Node's WebSocket, like Chrome's, refuses unless the server echoes it;
subscribe messages; events matched by their `stream` list."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from fediart.actions.posts import create_status

MASTO = Path(__file__).resolve().parents[1] / "clients" / "masto"
NODE = MASTO / "node_modules" / ".bin" / "node"
SCRIPT = Path(__file__).with_name("masto_stream.mjs")


async def test_masto_receives_an_update_on_the_user_stream(server, make_artist, token_for, services):
    if not NODE.exists():
        pytest.fail(f"{NODE} is missing: run `npm ci --prefix {MASTO}` (make test does)")
    ana = await make_artist("ana")
    token = await token_for(ana)
    process = await asyncio.create_subprocess_exec(
        str(NODE), str(SCRIPT), str(MASTO / "node_modules" / "masto"), server, token, "user",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        posted: list[str] = []
        line = b""
        # masto sends its subscribe message at a moment of its choosing and nothing acknowledges it,
        # so posts are made until one arrives.
        for _ in range(40):
            posted.append(str((await create_status(services, ana, text=f"Study {len(posted)}")).id))
            try:
                line = await asyncio.wait_for(process.stdout.readline(), 0.5)
                break
            except TimeoutError:
                continue
        assert line, f"masto received nothing: {(await process.stderr.read()).decode() if process.returncode else ''}"
        event = json.loads(line)
        assert "error" not in event, event
        assert event["event"] == "update" and event["stream"] == ["user"]
        assert event["payload"]["id"] in posted and event["payload"]["account"]["username"] == "ana"
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()
