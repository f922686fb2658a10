"""Each registered kind runs at most its concurrency at once in one worker: deliveries ([worker] concurrency),
inbox items ([worker] inbox_concurrency), and the job-table kinds (one at a time), while the others go on."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fakes import post_activity
from helpers import make_config
from inbox.activities import activity, rows
from jobs.worker_run import running_workers, wait_for
from outbox.test_worker_claims import pending_deliveries
from sqlalchemy import func
from sqlmodel import select

from fediart.jobs import inbox as inbox_kind
from fediart.store.policy_tables import BlocklistSubscription, DomainBlock
from fediart.store.tables import Delivery, InboxItem


@pytest.fixture
async def config(database_settings, tmp_path):
    return make_config(database_settings, tmp_path,
                       worker={"poll_seconds": 0.02, "concurrency": 4, "inbox_concurrency": 2})


class Gate:
    """Counts calls in flight and the most ever at once; holds each until released."""

    def __init__(self) -> None:
        self.now = self.most = 0
        self.open = asyncio.Event()

    async def hold(self):
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            await self.open.wait()
        finally:
            self.now -= 1


async def test_deliveries_in_flight_stay_at_the_configured_concurrency(services, network, make_artist):
    """And with every slot busy, one batch more waits claimed (to start the moment a slot frees), no more."""
    ana = await make_artist("ana")
    await pending_deliveries(services, ana, 20)
    gate = Gate()

    async def slow(request):
        await gate.hold()
        return network.handler(request)

    services.http = httpx.AsyncClient(transport=httpx.MockTransport(slow))
    async with running_workers(services):
        await wait_for(lambda: _is(gate.now == 4))
        await wait_for(lambda: _leased_is(services, 8))
        await asyncio.sleep(0.3)  # several polls later, still no more than four, and four ahead
        assert gate.now == 4 and await _leased_is(services, 8)
        gate.open.set()
        await wait_for(lambda: _sent(services, 20))
    assert gate.most == 4 and len(network.received) == 20


async def test_inbox_items_processed_at_once_stay_at_inbox_concurrency(client, services, network, monkeypatch):
    gate = Gate()
    real = inbox_kind.process_item

    async def held(services, item_id):
        await gate.hold()
        await real(services, item_id)

    monkeypatch.setattr(inbox_kind, "process_item", held)
    senders = [network.add_actor(f"u{n}") for n in range(6)]
    for sender in senders:
        assert (await post_activity(client, sender, activity(sender, "Wobble", "x"))).status_code == 202
    async with running_workers(services):
        await wait_for(lambda: _is(gate.now == 2))
        await asyncio.sleep(0.3)
        assert gate.now == 2
        gate.open.set()
        await wait_for(lambda: _is_all_done(services))
    assert gate.most == 2


async def test_blocklist_refreshes_run_one_at_a_time(services, network):
    lists = [f"https://lists{n}.example/blocks.txt" for n in range(3)]
    for n, url in enumerate(lists):
        network.responses[url] = lambda request, n=n: httpx.Response(200, text=f"spam{n}.example\n")
    gate = Gate()

    async def slow(request):
        if str(request.url) in lists:
            await gate.hold()
        return network.handler(request)

    services.http = httpx.AsyncClient(transport=httpx.MockTransport(slow))
    async with services.sessions() as session:  # never fetched: all three due at once
        for url in lists:
            session.add(BlocklistSubscription(url=url, format="plain"))
        await session.commit()
    async with running_workers(services):
        await wait_for(lambda: _is(gate.now == 1))
        await asyncio.sleep(0.3)
        assert gate.now == 1
        gate.open.set()
        await wait_for(lambda: _blocked(services, 3))
    assert gate.most == 1


async def _is(value: bool) -> bool:
    return value


async def _sent(services, count: int) -> bool:
    async with services.sessions() as session:
        return (await session.exec(select(func.count()).where(Delivery.state == "sent"))).one() == count


async def _is_all_done(services) -> bool:
    items = await rows(services, InboxItem)
    return len(items) == 6 and all(item.state == "done" for item in items)


async def _blocked(services, count: int) -> bool:
    return len(await rows(services, DomainBlock)) == count


async def _leased_is(services, count: int) -> bool:
    async with services.sessions() as session:
        leased = (await session.exec(select(func.count()).select_from(Delivery).where(
            Delivery.state == "pending", Delivery.claimed_until.is_not(None)))).one()
    return leased == count


async def test_a_job_claimed_ahead_that_waited_past_half_its_lease_is_left_to_its_lease(services):
    """Started that late it could still be running when its lease ends and another worker takes it."""
    from fediart.jobs.delivery import DELIVERY
    from fediart.jobs.runner import Runner

    ran: list[int] = []
    hold = asyncio.Event()

    class Counting(Runner):
        async def claim(self, limit: int):
            def job(n):
                async def run():
                    ran.append(n)
                    await hold.wait()
                return run
            return [job(n) for n in range(limit)]

    runner = Counting(services, DELIVERY)
    runner.concurrency, runner.prefetch, runner.lease = 1, 2, 0.2
    await runner.fill()
    assert len(runner.ready) == 2
    await asyncio.sleep(0.05)
    assert ran == [0]
    await asyncio.sleep(0.1)  # past half the lease
    hold.set()
    await asyncio.sleep(0.05)  # job 0 ends and its slot looks for the next
    assert ran == [0] and not runner.ready and not runner.running
