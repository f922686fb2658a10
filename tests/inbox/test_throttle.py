"""Inbox flood control as remote servers meet it: 429 with Retry-After for a flooding server only."""

import pytest
from fakes import FakeActor, post_activity
from helpers import make_config
from sqlmodel import select

from fediart.inbox.throttle import InboxThrottle, sender_host
from fediart.store.tables import InboxItem


@pytest.fixture
async def config(database_settings, tmp_path):
    # One token a minute: nothing refills while a test runs, however slow the machine.
    return make_config(database_settings, tmp_path, federation={"inbox_rate_per_minute": 1, "inbox_rate_burst": 3})


def like(actor):
    return {"@context": "https://www.w3.org/ns/activitystreams", "id": actor.new_id(), "type": "Like",
            "actor": actor.uri, "object": "https://art.example/users/ana/statuses/1"}


async def stored_actors(services) -> list[str]:
    async with services.sessions() as session:
        return list((await session.exec(select(InboxItem.actor_uri))).all())


async def test_a_flooding_instance_is_throttled_while_others_are_not(client, network, services):
    flood, flood2 = network.add_actor("bot", host="flood.example"), network.add_actor("bot2", host="flood.example")
    calm = network.add_actor("carol", host="calm.example")
    for _ in range(3):
        assert (await post_activity(client, flood, like(flood))).status_code == 202
    refused = await post_activity(client, flood, like(flood))
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "flood.example" in refused.json()["error"]
    # The limit is per server, not per actor: another account there waits too.
    assert (await post_activity(client, flood2, like(flood2))).status_code == 429
    assert (await post_activity(client, calm, like(calm))).status_code == 202
    assert sorted(await stored_actors(services)) == sorted([flood.uri] * 3 + [calm.uri])


async def test_forgeries_naming_a_host_do_not_spend_its_budget(client, network, services):
    bob, eve = network.add_actor("bob"), network.add_actor("eve", host="evil.example")
    # eve signs with her own key but names bob's keyId: verification fails every time.
    forger = FakeActor(host=bob.host, username=bob.username, private_pem=eve.private_pem, public_pem=eve.public_pem)
    assert forger.private_pem != bob.private_pem
    for _ in range(5):
        assert (await post_activity(client, forger, like(bob))).status_code == 401
    assert (await post_activity(client, bob, like(bob))).status_code == 202
    assert await stored_actors(services) == [bob.uri]


def test_sender_host_is_read_from_either_signature_scheme():
    cavage = {"signature": 'keyId="https://Remote.Example/users/bob#main-key",headers="date",signature="AAAA"'}
    assert sender_host(cavage) == "remote.example"
    rfc9421 = {"signature-input": 'sig1=("@method");created=1;keyid="https://gts.example/users/x/main-key"',
               "signature": "sig1=:AAAA:"}
    assert sender_host(rfc9421) == "gts.example"
    assert sender_host({}) == "" and sender_host({"signature": "garbage"}) == ""


def test_buckets_refill_over_time_and_memory_stays_bounded():
    now = [0.0]
    throttle = InboxThrottle(per_minute=60, burst=2, max_hosts=50, clock=lambda: now[0])
    throttle.spend("a.example")
    throttle.spend("a.example")
    assert throttle.retry_after("a.example") == 1
    now[0] += 1.0
    assert throttle.retry_after("a.example") == 0
    for n in range(1000):
        throttle.spend(f"h{n}.example")
    assert len(throttle.buckets) == 50
    assert InboxThrottle(per_minute=0, burst=1, max_hosts=1).retry_after("a.example") == 0  # 0 turns it off
