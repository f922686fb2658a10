"""On SQLite, storing a received activity waits for this process's write turn instead of meeting a
locked file (whose driver would sleep and retry); on PostgreSQL nothing waits."""

from __future__ import annotations

import asyncio

from activities import activity, rows
from fakes import post_activity

from fediart.store.tables import InboxItem


async def test_a_received_activity_is_stored_in_its_write_turn(client, network, services):
    bob = network.add_actor("bob")
    sent = activity(bob, "Wobble", "x")
    sqlite = services.engine.dialect.name == "sqlite"
    async with services.writes():  # another write transaction of this process holds the turn
        posting = asyncio.create_task(post_activity(client, bob, sent))
        if sqlite:
            done, _ = await asyncio.wait({posting}, timeout=0.5)
            assert not done, "the inbox wrote while another write transaction held the turn"
        else:
            assert (await asyncio.wait_for(posting, timeout=10)).status_code == 202
    response = await asyncio.wait_for(posting, timeout=10)
    assert response.status_code == 202
    assert [item.activity_uri for item in await rows(services, InboxItem)] == [sent["id"]]
