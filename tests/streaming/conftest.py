"""Fixtures for streaming tests: the app served by a real uvicorn on a loopback port (so the WebSocket
handshake, subprotocols and close codes are the real ones) and a client that connects to it; tokens come
from tests/conftest.py."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import uvicorn
from stream_client import WAIT
from websockets.asyncio.client import ClientConnection, connect



@pytest.fixture
async def server(app) -> AsyncIterator[str]:
    """ws://127.0.0.1:<port>, serving `app` in this test's event loop (its lifespan already ran)."""
    # ws="auto" as `fediart serve` runs it; the app's lifespan already ran in the `app` fixture.
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning")
    served = uvicorn.Server(config)
    task = asyncio.create_task(served.serve())
    while not served.started:
        if task.done():
            task.result()  # surfaces why it could not start
        await asyncio.sleep(0.01)
    port = served.servers[0].sockets[0].getsockname()[1]
    yield f"ws://127.0.0.1:{port}"
    served.should_exit = True
    await task


@pytest.fixture
async def open_stream(server, token_for):
    """open_stream(account, query="") -> a connected client, its token sent as the subprotocol as masto.js does."""
    opened: list[ClientConnection] = []

    async def make(account, query: str = "", scopes: str = "read write follow push") -> ClientConnection:
        token = await token_for(account, scopes)
        ws = await connect(f"{server}/api/v1/streaming{query}", subprotocols=[token], open_timeout=WAIT)
        opened.append(ws)
        return ws

    yield make
    for ws in opened:
        await ws.close()
