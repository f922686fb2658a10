"""Domain rules enforced through the protocol: nothing fetched from a suspended server, and a limited
server's follows held for the artist's approval."""

import pytest
from inbox.activities import activity, actor_url, received_of, rows, send

from fediart.activitypub.fetch import FetchError, fetch_document
from fediart.activitypub.webfinger_client import resolve_handle
from fediart.store.policy_tables import DomainBlock
from fediart.store.tables import Follower, Notification


async def block(services, domain: str, severity: str) -> None:
    async with services.sessions() as session:
        session.add(DomainBlock(domain=domain, severity=severity))
        await session.commit()
    services.policy.forget()


async def test_nothing_is_fetched_from_a_suspended_server_before_any_network_io(services, network):
    eve = network.add_actor("eve", host="shop.blocked.example")
    await block(services, "blocked.example", "suspend")
    with pytest.raises(FetchError) as caught:
        await fetch_document(services.http, eve.uri, services.instance_signer, services.config)
    assert "blocked" in caught.value.reason and "blocked.example" in caught.value.reason
    with pytest.raises(FetchError) as caught:
        await resolve_handle(services.http, "eve@shop.blocked.example", services.config)
    assert "blocked" in caught.value.reason
    assert network.gets == []


async def test_a_follow_from_a_limited_server_waits_for_the_artist(client, services, network, make_artist):
    ana = await make_artist("ana")
    assert not ana.manually_approves_followers
    lim = network.add_actor("lim", host="limited.example")
    await block(services, "limited.example", "silence")
    await send(client, services, lim, activity(lim, "Follow", actor_url("ana")))
    [follower] = await rows(services, Follower)
    assert follower.state == "pending"
    assert received_of(network, lim.inbox, "Accept") == []
    assert [n.kind for n in await rows(services, Notification)] == ["follow_request"]


async def test_a_follow_from_an_unlimited_server_is_still_accepted_at_once(client, services, network, make_artist):
    await make_artist("ana")
    bob = network.add_actor("bob", host="fine.example")
    await block(services, "limited.example", "silence")
    await send(client, services, bob, activity(bob, "Follow", actor_url("ana")))
    [follower] = await rows(services, Follower)
    assert follower.state == "accepted"
    assert len(received_of(network, bob.inbox, "Accept")) == 1
