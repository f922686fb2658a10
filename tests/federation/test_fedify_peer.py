"""Fedify, an independent ActivityPub implementation, as the remote peer of a real fediart process.

Fedify only hands an activity to its inbox listeners after verifying its HTTP signature and that
the key's owner is the actor, so every activity it records is proof that fediart signs correctly.
"""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest
from fakes import FakeNetwork
from instance import eventually
from PIL import Image

from fediart.activitypub.jsonld import expand
from fediart.activitypub.signatures import sign_request
from fediart.config import load_config
from fediart.store.db import make_engine, make_sessionmaker
from fediart.store.policy_tables import DomainBlock
from peers.fedify_peer import FedifyPeer, fedify_available

pytestmark = pytest.mark.skipif(fedify_available() is not None, reason=str(fedify_available()))

LICENCE_IRIS = ("http://purl.org/dc/terms/license", "http://www.w3.org/ns/tdmrep#reservation",
                "https://w3id.org/fediart/ns#contentUsage", "http://schema.org/creditText")


async def test_fedify_follows_receives_fetches_likes_and_replies(instances, tmp_path):
    a = await instances("a")
    a.cli("user", "create", "ana", "--display-name", "Ana", "--licence", "cc-by-nc-sa-4.0")
    async with FedifyPeer() as peer:
        # Fedify follows ana; fediart accepts automatically and Fedify verifies the Accept.
        await peer.follow(a.actor("ana"))
        accept = await peer.wait_for(type="Accept", actor=a.actor("ana"), timeout=20)
        assert accept["raw"]["object"]["type"] == "Follow"
        assert accept["raw"]["object"]["actor"] == peer.actor_url
        await eventually(lambda: "accepted" in a.cli("follower", "list", "ana").stdout, what="follower at fediart")

        # ana posts an image; Fedify receives the Create with a verified signature.
        Image.new("RGB", (40, 30), "green").save(tmp_path / "g.png")
        out = a.cli("post", "ana", "--text", "Study in green", "--image", str(tmp_path / "g.png"), "--alt", "Green")
        create = await peer.wait_for(type="Create", actor=a.actor("ana"), timeout=20)
        note = create["raw"]["object"]
        assert note["attachment"][0]["name"] == "Green"
        [node] = expand(create["raw"])
        for iri in LICENCE_IRIS:
            assert iri in node
        post_id = re.search(r"post (\d+) published", out.stdout).group(1)
        assert note["id"] == f"{a.actor('ana')}/statuses/{post_id}"

        # Fedify fetches the note and the actor with signed GETs and parses them.
        fetched = await peer.fetch(note["id"])
        assert fetched["status"] == 200 and fetched["contentType"].startswith("application/activity+json")
        assert fetched["document"]["tdmReservation"] == 1
        looked_up = await peer.lookup(note["id"])
        assert looked_up["type"] == "Note"
        actor = await peer.lookup(a.actor("ana"))
        assert actor["type"] == "Person"

        # Fedify likes and replies; ana sees both.
        await peer.like(note["id"])
        await peer.reply(note["id"], "<p>Beautiful!</p>")
        notifications = await eventually(
            lambda: (lambda out: "like" in out and "reply" in out and out)(a.cli("notifications", "ana").stdout),
            what="like and reply notifications")
        assert "Beautiful!" in notifications
        assert await peer.rejected() == []


async def _suspend(instance, domain: str) -> None:
    """A domain block written into the running instance's database, as an admin's would be."""
    engine = make_engine(load_config(instance.config_path))
    try:
        async with make_sessionmaker(engine)() as session:
            session.add(DomainBlock(domain=domain))
            await session.commit()
    finally:
        await engine.dispose()


async def test_authorized_fetch_serves_followers_only_posts_to_fedify_and_nothing_to_others(instances):
    a = await instances("a")  # authorized_fetch is on by default
    a.cli("user", "create", "ana", "--display-name", "Ana")
    async with FedifyPeer() as peer:
        await peer.follow(a.actor("ana"))
        await peer.wait_for(type="Accept", actor=a.actor("ana"), timeout=20)
        await eventually(lambda: "accepted" in a.cli("follower", "list", "ana").stdout, what="follower at fediart")
        out = a.cli("post", "ana", "--text", "Only for followers", "--visibility", "followers")
        post_id = re.search(r"post (\d+) published", out.stdout).group(1)
        url = f"{a.actor('ana')}/statuses/{post_id}"

        # Fedify, an accepted follower, fetches it signed (raw, and through its own document loader).
        fetched = await peer.fetch(url)
        assert fetched["status"] == 200 and "Only for followers" in fetched["document"]["content"]
        assert fetched["headers"]["cache-control"] == "private"
        assert (await peer.lookup(url))["type"] == "Note"
        # Unsigned: 401, for this post and for a public document alike.
        async with httpx.AsyncClient() as plain:
            for path in (url, a.actor("ana") + "/outbox"):
                unsigned = await plain.get(path, headers={"Accept": "application/activity+json"})
                assert unsigned.status_code == 401 and "Only for followers" not in unsigned.text

            # A server the admin suspended, signing correctly: the same 401, and its key is never fetched.
            spy = FakeNetwork().add_actor("spy", host="spy.example")
            await _suspend(a, "spy.example")
            await asyncio.sleep(5.5)  # the server re-reads its domain rules every 5 s
            headers = {"Accept": "application/activity+json"}
            headers.update(sign_request("GET", url, headers, None, spy.key_id, spy.private_key))
            refused = await plain.get(url, headers=headers)
            assert refused.status_code == 401 and refused.content == unsigned.content
            assert refused.json() == {"error": "request must be signed by a server that may fetch this"}
