"""Fixtures for streaming tests: the app served by a real uvicorn on a loopback port (so the WebSocket
handshake, subprotocols and close codes are the real ones), tokens, and a client that connects to it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import uvicorn
from stream_client import WAIT
from websockets.asyncio.client import ClientConnection, connect

from fediart.oauth.tokens import issue_token
from fediart.store.tables import OAuthApp


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
def token_for(services):
    """token_for(account, scopes="read write follow push") -> an access token string."""

    async def make(account, scopes: str = "read write follow push") -> str:
        async with services.sessions() as session:
            app = OAuthApp(name="stream client", client_id=f"stream-{account.username}-{scopes}",
                           client_secret_hash="0" * 64, redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes=scopes)
            session.add(app)
            await session.commit()
            issued = await issue_token(session, app_id=app.id, account=account, scopes=scopes.split())
        return issued.access_token

    return make


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
