"""What streaming tests do as a client: read the next message (payload parsed), subscribe, and wait
until the server has read what was sent before."""

from __future__ import annotations

import asyncio

import orjson
from websockets.asyncio.client import ClientConnection

WAIT = 10  # seconds a test waits for a message that should come


async def next_message(ws: ClientConnection) -> dict:
    """The next message, parsed, with its payload parsed too (except a delete's id)."""
    doc = orjson.loads(await asyncio.wait_for(ws.recv(), WAIT))
    if isinstance(doc.get("payload"), str) and doc.get("event") != "delete":
        doc["payload"] = orjson.loads(doc["payload"])
    return doc


async def settle(ws: ClientConnection) -> None:
    """Wait until the server has read every message sent before: it answers a bad subscribe in order."""
    await ws.send(orjson.dumps({"type": "subscribe", "stream": "no-such-stream"}).decode())
    assert await next_message(ws) == {"error": "Unknown stream type", "status": 400}


async def subscribe(ws: ClientConnection, stream: str, **extra) -> None:
    await ws.send(orjson.dumps({"type": "subscribe", "stream": stream, **extra}).decode())
    await settle(ws)
