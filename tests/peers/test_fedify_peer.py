"""The Fedify peer harness, proven on its own: Fedify peers talking to each other (and to a
tiny draft-cavage-only inbox) over loopback.  fediart's federation tests build on it.

Needs `npm ci --prefix tests/peers/fedify` (or FEDIFY_PEER_INSTALL=1 to let the tests run it);
skipped otherwise.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import web

from peers.fedify_peer import FedifyPeer, ensure_installed, fedify_available

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"


@pytest.fixture(scope="session")
def fedify_ready() -> None:
    if os.environ.get("FEDIFY_PEER_INSTALL") == "1":
        ensure_installed()
    reason = fedify_available()
    if reason is not None:
        pytest.skip(f"{reason} (or set FEDIFY_PEER_INSTALL=1)")


@pytest.fixture
async def peers(fedify_ready: None) -> AsyncIterator[tuple[FedifyPeer, FedifyPeer]]:
    alice, bob = FedifyPeer(username="alice"), FedifyPeer(username="bob")
    try:
        await asyncio.gather(alice.start(), bob.start())
        yield alice, bob
    finally:
        await asyncio.gather(alice.stop(), bob.stop())


def object_id(value: object) -> object:
    """An ActivityStreams reference: the id of an embedded object, or the URL itself."""
    return value.get("id") if isinstance(value, dict) else value


async def test_signed_fetch_of_an_actor(peers: tuple[FedifyPeer, FedifyPeer]) -> None:
    alice, bob = peers

    got = await alice.fetch(bob.actor_url)
    assert got["status"] == 200
    assert got["contentType"].startswith("application/activity+json")
    actor = got["document"]
    assert actor["id"] == bob.actor_url and actor["type"] == "Person"
    assert actor["inbox"] == bob.inbox_url
    assert actor["endpoints"]["sharedInbox"] == bob.shared_inbox_url
    assert actor["publicKey"]["owner"] == bob.actor_url
    assert actor["publicKey"]["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")

    # The other signature scheme, and no signature at all, are served too.
    assert (await alice.fetch(bob.actor_url, spec="rfc9421"))["status"] == 200
    assert (await alice.fetch(bob.actor_url, signed=False))["status"] == 200

    # What Fedify itself makes of the document.
    parsed = await alice.lookup(bob.actor_url)
    assert parsed["type"] == "Person" and parsed["id"] == bob.actor_url


async def test_follow_accept_post_and_unfollow(peers: tuple[FedifyPeer, FedifyPeer]) -> None:
    alice, bob = peers

    follow_id = await alice.follow(bob.actor_url)

    follow = await bob.wait_for(type="Follow", actor=alice.actor_url)
    assert follow["id"] == follow_id
    assert object_id(follow["raw"]["object"]) == bob.actor_url
    # Fedify first knocks with RFC 9421, which another Fedify accepts.
    assert follow["signature"]["scheme"] == "rfc9421"
    assert follow["signature"]["keyId"].startswith(alice.actor_url + "#")

    accept = await alice.wait_for(type="Accept", actor=bob.actor_url)
    assert object_id(accept["raw"]["object"]) == follow_id
    assert [(f["id"], f["state"]) for f in await alice.following()] == [(bob.actor_url, "accepted")]
    assert [f["id"] for f in await bob.followers()] == [alice.actor_url]

    # A post fans out to the followers.
    note_id = await bob.post("<p>New drawing</p>")
    create = await alice.wait_for(type="Create", actor=bob.actor_url)
    assert create["raw"]["object"]["id"] == note_id
    assert create["raw"]["object"]["content"] == "<p>New drawing</p>"

    await alice.unfollow(bob.actor_url)
    undo = await bob.wait_for(type="Undo", actor=alice.actor_url)
    assert object_id(undo["raw"]["object"]) == follow_id
    assert await bob.followers() == []
    assert await alice.following() == []
    assert await alice.outbox_errors() == [] and await bob.outbox_errors() == []


async def test_like_and_reply_reach_the_author(peers: tuple[FedifyPeer, FedifyPeer]) -> None:
    alice, bob = peers
    note_id = await bob.post("<p>A drawing</p>")

    like_id = await alice.like(note_id)
    like = await bob.wait_for(type="Like", actor=alice.actor_url)
    assert like["id"] == like_id
    assert like["raw"]["object"] == note_id

    reply_id = await alice.reply(note_id, "<p>Lovely!</p>")
    create = await bob.wait_for(type="Create", actor=alice.actor_url)
    reply = create["raw"]["object"]
    assert reply["id"] == reply_id
    assert reply["inReplyTo"] == note_id
    assert reply["attributedTo"] == alice.actor_url
    tags = reply["tag"] if isinstance(reply["tag"], list) else [reply["tag"]]
    assert {"type": "Mention", "href": bob.actor_url} in [{k: t[k] for k in ("type", "href")} for t in tags]

    # The reply can be dereferenced at its id.
    fetched = await bob.fetch(reply_id)
    assert fetched["status"] == 200
    assert fetched["document"]["id"] == reply_id
    assert fetched["document"]["content"] == "<p>Lovely!</p>"

    # Any other activity can be sent as JSON-LD, signed as the peer's actor.
    announce = {
        "@context": AS_CONTEXT,
        "id": f"{alice.actor_url}#announces/1",
        "type": "Announce",
        "actor": alice.actor_url,
        "object": note_id,
        "to": "https://www.w3.org/ns/activitystreams#Public",
    }
    assert await alice.send(announce, to=bob.actor_url) == announce["id"]
    received = await bob.wait_for(type="Announce", actor=alice.actor_url)
    assert received["raw"]["object"] == note_id


async def test_unsigned_delivery_is_rejected(peers: tuple[FedifyPeer, FedifyPeer]) -> None:
    alice, bob = peers
    forged = {
        "@context": AS_CONTEXT,
        "id": f"{alice.actor_url}#forged",
        "type": "Like",
        "actor": alice.actor_url,
        "object": bob.actor_url,
    }
    async with httpx.AsyncClient() as client:
        r = await client.post(
            bob.inbox_url, json=forged, headers={"Content-Type": "application/activity+json"}
        )
    assert r.status_code == 401
    assert await bob.inbox() == []
    [rejected] = await bob.rejected()
    assert rejected["id"] == forged["id"] and rejected["reason"] == "noSignature"


async def test_double_knock_falls_back_to_draft_cavage(fedify_ready: None) -> None:
    """Against an inbox that only knows draft-cavage signatures, the first RFC 9421 knock gets
    a 401, Fedify retries with draft-cavage, and remembers that for the origin."""
    posts: list[dict[str, str]] = []

    async def actor(request: web.Request) -> web.Response:
        base = f"http://{request.host}"
        doc = {
            "@context": AS_CONTEXT,
            "id": f"{base}/actor",
            "type": "Person",
            "preferredUsername": "cavage",
            "inbox": f"{base}/inbox",
        }
        return web.json_response(doc, content_type="application/activity+json")

    async def inbox(request: web.Request) -> web.Response:
        headers = {k.lower(): v for k, v in request.headers.items()}
        scheme = "rfc9421" if "signature-input" in headers else "draft-cavage" if "signature" in headers else None
        posts.append({"scheme": scheme, "body": await request.text()})
        return web.Response(status=202 if scheme == "draft-cavage" else 401)

    app = web.Application()
    app.router.add_get("/actor", actor)
    app.router.add_post("/inbox", inbox)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        async with FedifyPeer() as peer:
            target = f"http://127.0.0.1:{port}/actor"
            await peer.follow(target)
            assert [p["scheme"] for p in posts] == ["rfc9421", "draft-cavage"]
            await peer.unfollow(target)
            assert [p["scheme"] for p in posts][2:] == ["draft-cavage"]
    finally:
        await runner.cleanup()
