"""NodeInfo usage: the numbers a crawler like FediDB or the-federation.info reads."""

from __future__ import annotations

from fakes import signed_get
from posting import delete, publish


async def local_posts(client) -> list[int]:
    return [(await client.get(f"/nodeinfo/{v}")).json()["usage"]["localPosts"] for v in ("2.0", "2.1")]


async def test_local_posts_counts_what_anyone_may_read(client, services, make_artist, network):
    assert await local_posts(client) == [0, 0]
    await make_artist("ana")
    await make_artist("bea")
    await publish(services, text="one")
    await publish(services, text="two", visibility="unlisted")
    await publish(services, username="bea", text="three")
    await publish(services, text="friends only", visibility="followers")
    await publish(services, text="a letter to @bea", visibility="direct")
    gone = await publish(services, text="deleted")
    await delete(services, gone.id)
    assert await local_posts(client) == [3, 3]
    # The same number the outboxes give, summed.
    totals = [(await signed_get(client, network.fetcher(), f"/users/{n}/outbox")).json()["totalItems"]
              for n in ("ana", "bea")]
    assert sum(totals) == 3
