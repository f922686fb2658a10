"""The WebSocket endpoint over a real socket: where the token may come from, the subprotocol echo Chrome
requires, refusals before the upgrade, subscribe and unsubscribe messages, and the slow-client guard."""

from __future__ import annotations

import asyncio

import orjson
import pytest
from stream_client import WAIT, next_message, settle, subscribe
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from fediart.actions.posts import create_status
from fediart.oauth.tokens import issue_token, revoke, token_row
from fediart.store.tables import OAuthApp
from fediart.streaming.hub import Event, EventKind, Source


async def test_the_token_as_subprotocol_is_echoed(server, make_artist, token_for, services):
    ana = await make_artist("ana")
    token = await token_for(ana)
    async with connect(f"{server}/api/v1/streaming?stream=user", subprotocols=[token], open_timeout=WAIT) as ws:
        assert ws.subprotocol == token  # without the echo, Chrome fails the handshake (elk#2706)
        post = await create_status(services, ana, text="Ink test.")
        message = await next_message(ws)
    assert message["stream"] == ["user"] and message["event"] == "update"
    assert message["payload"]["id"] == str(post.id)


@pytest.mark.parametrize("where", ["header", "query"])
async def test_the_token_in_a_header_or_the_query(server, make_artist, token_for, services, where):
    ana = await make_artist("ana")
    token = await token_for(ana)
    url, headers = f"{server}/api/v1/streaming?stream=user", {}
    if where == "header":
        headers["Authorization"] = f"Bearer {token}"
    else:
        url += f"&access_token={token}"
    async with connect(url, additional_headers=headers, open_timeout=WAIT) as ws:
        assert ws.subprotocol is None  # none offered, none chosen
        post = await create_status(services, ana, text="Ink test.")
        assert (await next_message(ws))["payload"]["id"] == str(post.id)


async def _refusal(url: str, **options) -> tuple[int, dict]:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(url, open_timeout=WAIT, **options):
            pass
    response = refused.value.response
    return response.status_code, orjson.loads(response.body)


async def test_a_missing_or_wrong_token_is_refused_before_the_upgrade(server):
    for options in ({}, {"subprotocols": ["not-a-token"]},
                    {"additional_headers": {"Authorization": "Bearer not-a-token"}}):
        status, body = await _refusal(f"{server}/api/v1/streaming?stream=public", **options)
        assert (status, body) == (401, {"error": "The access token is invalid"})


async def test_revoked_and_write_only_tokens_are_refused(server, services, make_artist, token_for):
    ana = await make_artist("ana")
    revoked = await token_for(ana, "read")
    async with services.sessions() as session:
        await revoke(session, await token_row(session, revoked))
    write_only = await token_for(ana, "write")
    for token in (revoked, write_only):
        status, _ = await _refusal(f"{server}/api/v1/streaming", subprotocols=[token])
        assert status == 401, token
    readable = await token_for(ana, "read:notifications")  # either read scope is enough to connect
    async with connect(f"{server}/api/v1/streaming", subprotocols=[readable], open_timeout=WAIT) as ws:
        assert ws.subprotocol == readable


async def test_an_app_only_token_is_refused(server, services):
    async with services.sessions() as session:
        app = OAuthApp(name="t", client_id="x", client_secret_hash="y", redirect_uris=[], scopes="read")
        session.add(app)
        await session.commit()
        issued = await issue_token(session, app_id=app.id, account=None, scopes=["read"])
    status, _ = await _refusal(f"{server}/api/v1/streaming", subprotocols=[issued.access_token])
    assert status == 401  # streams are an artist's: Mastodon refuses tokens without a user too


async def test_subscribe_and_unsubscribe_messages(open_stream, make_artist, services):
    ana = await make_artist("ana")
    ws = await open_stream(ana)  # no stream in the query: masto.js subscribes by message
    await subscribe(ws, "public:local")
    first = await create_status(services, ana, text="First.")
    message = await next_message(ws)
    assert (message["stream"], message["event"], message["payload"]["id"]) == (["public:local"], "update",
                                                                              str(first.id))
    await ws.send(orjson.dumps({"type": "unsubscribe", "stream": "public:local"}).decode())
    await settle(ws)
    await create_status(services, ana, text="Second, unheard.")
    await subscribe(ws, "hashtag", tag="ink")
    await create_status(services, ana, text="Third, without the tag.")
    tagged = await create_status(services, ana, text="Fourth #ink")
    message = await next_message(ws)  # neither the second (unsubscribed) nor the third (untagged) came
    assert (message["stream"], message["payload"]["id"]) == (["hashtag", "ink"], str(tagged.id))


async def test_bad_subscriptions_are_answered_with_an_error(open_stream, make_artist):
    ana = await make_artist("ana")
    ws = await open_stream(ana, "?stream=nonsense")
    assert await next_message(ws) == {"error": "Unknown stream type", "status": 400}
    await ws.send(orjson.dumps({"type": "subscribe", "stream": "hashtag"}).decode())
    assert await next_message(ws) == {"error": "No tag for stream provided", "status": 400}
    for ignored in ("not json", "[1, 2]", b"\x00binary"):  # ignored, as Mastodon does; the stream stays open
        await ws.send(ignored)
    await settle(ws)


async def test_a_stream_outside_the_token_scopes_is_refused(open_stream, make_artist, services):
    ana = await make_artist("ana")
    ws = await open_stream(ana, scopes="read:notifications")
    await ws.send(orjson.dumps({"type": "subscribe", "stream": "public"}).decode())
    assert await next_message(ws) == {"error": "Access token does not have the required scopes", "status": 401}
    await subscribe(ws, "user:notification")
    await create_status(services, ana, text="Not for this token's eyes.")
    await settle(ws)  # the post was not sent: the next message is the answer to settle's probe


async def test_a_client_that_falls_behind_is_dropped(open_stream, make_artist, services):
    ana = await make_artist("ana")
    services.events.queue_size = 3
    ws = await open_stream(ana, "?stream=user")
    for number in range(4):  # published at once: the connection cannot take any up in between
        services.events.publish(Event(EventKind.UPDATE, Source.POST, number + 1))
    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(ws.recv(), WAIT)
    assert closed.value.rcvd.code == 1013  # "try again later": it reconnects and reloads over REST
    for _ in range(100):  # and it is no longer a subscriber, once the server has finished closing
        if not services.events._by_account:
            break
        await asyncio.sleep(0.05)
    assert not services.events._by_account


async def test_a_client_within_the_bound_stays(open_stream, make_artist, services):
    ana = await make_artist("ana")
    services.events.queue_size = 3
    ws = await open_stream(ana, "?stream=user")
    for number in range(3):
        services.events.publish(Event(EventKind.UPDATE, Source.POST, number + 1))
    post = await create_status(services, ana, text="Still here.")
    assert (await next_message(ws))["payload"]["id"] == str(post.id)
