"""GET /api/v1/streaming as a WebSocket: who is connecting, which streams they follow, and the loop that
reads their subscribe/unsubscribe messages while it sends them events.

The token may come as `Authorization: Bearer`, `?access_token=` or `Sec-WebSocket-Protocol` (masto.js
and Ice Cubes send it there); an offered subprotocol is accepted by echoing it, without which Chrome
fails the handshake (elk#2706, GoToSocial #3169). A bad token is refused before the upgrade with
Mastodon's HTTP 401 and a JSON error. Keep-alive pings are WebSocket ping frames sent by the server
(uvicorn pings every 20 s and drops a peer that stops answering); ASGI gives an application no way to
send a ping frame itself, and a JSON keep-alive message is no part of Mastodon's protocol.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import orjson
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from fediart.api.auth import INVALID, bearer_of
from fediart.api.json import api_json
from fediart.oauth.scopes import allows
from fediart.oauth.tokens import token_row
from fediart.services import services_of
from fediart.store.actors import local_actor
from fediart.store.tables import Account
from fediart.streaming.hub import Subscriber
from fediart.streaming.render import error_message, messages_for
from fediart.streaming.streams import READ_NOTIFICATIONS, READ_STATUSES, SCOPE, Stream, StreamError

log = logging.getLogger("fediart.streaming")

# Sent when a client fell too far behind (Subscriber.offer): "try again later", so it reconnects.
TOO_SLOW = 1013
POLICY = 1008


def _token(websocket: WebSocket) -> str | None:
    offered = websocket.scope.get("subprotocols") or []
    return bearer_of(websocket) or (offered[0].strip() if offered and offered[0].strip() else None)


async def _grant(websocket: WebSocket) -> tuple[Account, frozenset[str]] | None:
    """The artist and scopes of a valid, unrevoked user token that may read statuses or notifications."""
    secret = _token(websocket)
    if secret is None:
        return None
    services = services_of(websocket)
    async with services.sessions() as session:
        row = await token_row(session, secret)
        account = await session.get(Account, row.account_id) if row and row.account_id else None
        if row is None or account is None:
            return None
        scopes = frozenset(row.scopes.split())
        if not (allows(scopes, READ_STATUSES) or allows(scopes, READ_NOTIFICATIONS)):
            return None
        # The artist's actor row made now, once: rendering their events (several at once) and their own
        # posting would otherwise race to create it, and one of them would fail on the unique URI.
        await local_actor(session, services.urls, account)
        await session.commit()
    return account, scopes


async def _refuse(websocket: WebSocket) -> None:
    if "websocket.http.response" in websocket.scope.get("extensions", {}):
        await websocket.send_denial_response(api_json({"error": INVALID}, status=401))
    else:
        await websocket.close(code=POLICY)  # the server answers the handshake with 403


class Connection:
    """One client: its subscriptions, read from its messages, and the events it is sent."""

    def __init__(self, websocket: WebSocket, account: Account, scopes: frozenset[str]) -> None:
        self.websocket = websocket
        self.account = account
        self.scopes = scopes
        self.streams: set[Stream] = set()
        self.hub = services_of(websocket).events
        # Subscribed before the handshake completes: nothing published once the client is connected is lost.
        self.subscriber: Subscriber = self.hub.subscribe(account.id)

    async def run(self) -> None:
        """Accept the connection (echoing an offered subprotocol) and serve it until either side ends it."""
        refused = None
        if self.websocket.query_params.get("stream"):
            try:
                self.add(self.websocket.query_params["stream"], self.websocket.query_params.get("tag"))
            except StreamError as exc:
                refused = exc
        try:
            offered = self.websocket.scope.get("subprotocols") or []
            await self.websocket.accept(subprotocol=offered[0] if offered else None)
            if refused is not None:
                await self.websocket.send_text(error_message(str(refused), refused.status))
            tasks = [asyncio.create_task(self.read()), asyncio.create_task(self.send()),
                     asyncio.create_task(self.subscriber.overflowed.wait())]
            try:
                done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
            if tasks[2] in done:
                await self.websocket.close(code=TOO_SLOW, reason="too far behind")
            # Otherwise the client left (read returned) or a send failed on a closed socket: nothing to say.
        except WebSocketDisconnect:
            pass
        finally:
            self.hub.unsubscribe(self.subscriber)

    def add(self, name: object, tag: object = None) -> None:
        """Subscribe to a stream; StreamError for an unknown one or one the token's scopes do not cover."""
        stream = Stream.parse(name, tag)
        if not allows(self.scopes, SCOPE[stream.name]):
            raise StreamError("Access token does not have the required scopes", 401)
        self.streams.add(stream)

    async def subscribe(self, name: object, tag: object = None) -> None:
        try:
            self.add(name, tag)
        except StreamError as exc:
            await self.websocket.send_text(error_message(str(exc), exc.status))

    def unsubscribe(self, name: object, tag: object = None) -> None:
        with contextlib.suppress(StreamError):
            self.streams.discard(Stream.parse(name, tag))

    async def read(self) -> None:
        """Apply the client's messages until it disconnects; unreadable ones are ignored, as Mastodon does."""
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            try:
                doc = orjson.loads(message.get("text") or message.get("bytes") or b"")
            except orjson.JSONDecodeError:
                continue
            if not isinstance(doc, dict):
                continue
            if doc.get("type") == "subscribe":
                await self.subscribe(doc.get("stream"), doc.get("tag"))
            elif doc.get("type") == "unsubscribe":
                self.unsubscribe(doc.get("stream"), doc.get("tag"))

    async def send(self) -> None:
        """Render and send each event, in order, on the streams subscribed when it is taken up."""
        services = services_of(self.websocket)
        while True:
            event = await self.subscriber.queue.get()
            try:
                found = await messages_for(services, self.account, event, list(self.streams))
            except Exception:  # noqa: BLE001 - one event that fails to render must not end the stream
                log.exception("could not render %s for %s", event, self.account.username)
                continue
            for text in found:
                await self.websocket.send_text(text)


async def streaming(websocket: WebSocket) -> None:
    granted = await _grant(websocket)
    if granted is None:
        await _refuse(websocket)
        return
    account, scopes = granted
    await Connection(websocket, account, scopes).run()


routes = [WebSocketRoute("/api/v1/streaming", streaming)]
