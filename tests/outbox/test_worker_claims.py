"""Claiming deliveries: concurrent workers never share a row, expired leases come back, Worker.run stops cleanly."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, insert
from sqlmodel import select

from fediart.jobs.delivery import DELIVERY
from fediart.store.db import make_engine, make_sessionmaker
from fediart.store.queue import claim
from fediart.store.tables import Account, Delivery, OutboxActivity, utcnow
from fediart.worker import Worker

AS = "https://www.w3.org/ns/activitystreams"


async def pending_deliveries(services, account: Account, count: int, host: str = "remote.example") -> list[int]:
    """One activity and `count` pending deliveries to distinct inboxes, inserted in bulk."""
    actor = services.urls.actor(account.username)
    body = f'{{"@context": "{AS}", "id": "{actor}/statuses/1/activity", "type": "Create", "actor": "{actor}"}}'
    async with services.sessions() as session:
        activity = OutboxActivity(uri=f"{actor}/statuses/1/activity", account_id=account.id,
                                  activity_type="Create", body=body)
        session.add(activity)
        await session.flush()
        await session.exec(insert(Delivery), params=[
            {"activity_id": activity.id, "inbox": f"https://{host}/users/u{n}/inbox", "host": host,
             "state": "pending", "attempts": 0, "retry_at": utcnow() - timedelta(seconds=1), "last_error": ""}
            for n in range(count)])
        await session.commit()
        return list((await session.exec(select(Delivery.id))).all())


async def test_concurrent_claimers_never_get_the_same_row(services, migrated, make_artist):
    if services.engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one writer in at a time, so claims cannot overlap there; "
                    "this checks FOR UPDATE SKIP LOCKED on PostgreSQL")
    ana = await make_artist("ana")
    ids = await pending_deliveries(services, ana, 2000)
    engines = [make_engine(migrated) for _ in range(3)]  # three workers: separate pools and connections

    async def claimer(engine) -> list[int]:
        sessions, mine = make_sessionmaker(engine), []
        while True:
            async with sessions() as session:
                batch = await claim(session, Delivery, 37, lease_seconds=600)
            if not batch:
                return mine
            mine.extend(batch)
            await asyncio.sleep(0)  # let the others in between claims

    try:
        claimed = await asyncio.gather(*(claimer(engine) for engine in engines))
    finally:
        for engine in engines:
            await engine.dispose()
    every = [row for batch in claimed for row in batch]
    assert len(every) == len(set(every)) == 2000  # nothing twice, nothing missed
    assert sorted(every) == sorted(ids)
    assert all(len(batch) > 0 for batch in claimed), [len(b) for b in claimed]  # they really competed


async def test_an_expired_lease_is_claimable_again(services, make_artist):
    ana = await make_artist("ana")
    ids = await pending_deliveries(services, ana, 5)
    async with services.sessions() as session:
        first = await claim(session, Delivery, 10, lease_seconds=30)
    assert first == sorted(ids)
    async with services.sessions() as session:
        assert await claim(session, Delivery, 10, lease_seconds=30) == []  # all leased
        later = utcnow() + timedelta(seconds=31)  # the worker holding them died
        assert await claim(session, Delivery, 10, lease_seconds=30, now=later) == sorted(ids)


async def test_claims_take_due_rows_oldest_first_and_skip_finished_ones(services, make_artist):
    ana = await make_artist("ana")
    ids = await pending_deliveries(services, ana, 4)
    async with services.sessions() as session:
        rows = {row.id: row for row in (await session.exec(select(Delivery))).all()}
        rows[ids[0]].state = "sent"
        rows[ids[1]].retry_at = utcnow() + timedelta(hours=1)  # backing off
        rows[ids[3]].retry_at = utcnow() - timedelta(hours=1)  # due longest
        for row in rows.values():
            session.add(row)
        await session.commit()
    async with services.sessions() as session:
        assert await claim(session, Delivery, 1, lease_seconds=30) == [ids[3]]
        assert await claim(session, Delivery, 10, lease_seconds=30) == [ids[2]]


async def test_worker_run_delivers_everything_and_stops_cleanly(services, network, make_artist):
    ana = await make_artist("ana")
    await pending_deliveries(services, ana, 300)
    stop = asyncio.Event()
    worker = Worker(services)
    task = asyncio.create_task(worker.run(stop))

    async def states() -> dict[str, int]:
        async with services.sessions() as session:
            rows = await session.exec(select(Delivery.state, func.count()).group_by(Delivery.state))
            return dict(rows.all())

    for _ in range(300):
        if await states() == {"sent": 300}:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, timeout=10)
    assert await states() == {"sent": 300}
    assert sorted(r.url for r in network.received) == sorted(f"https://remote.example/users/u{n}/inbox"
                                                            for n in range(300))
    [deliveries] = [runner for runner in worker.runners if runner.kind is DELIVERY]
    assert worker.running == set() and deliveries.results == []
    assert services.worker_wakeup is None


async def test_worker_records_what_it_sent_when_stopped_mid_fan_out(services, network, make_artist):
    ana = await make_artist("ana")
    await pending_deliveries(services, ana, 200)
    slow = asyncio.Event()
    handler = network.handler

    async def slow_handler(request):
        await slow.wait()
        return handler(request)

    services.http = httpx.AsyncClient(transport=httpx.MockTransport(slow_handler))
    stop = asyncio.Event()
    task = asyncio.create_task(Worker(services).run(stop))
    await asyncio.sleep(0.3)  # the first batch is in flight, waiting for the slow servers
    stop.set()
    slow.set()  # they answer during the grace period
    await asyncio.wait_for(task, timeout=10)
    async with services.sessions() as session:
        sent = (await session.exec(select(func.count()).where(Delivery.state == "sent"))).one()
        leased = (await session.exec(select(func.count()).where(Delivery.state == "pending",
                                                                Delivery.claimed_until.is_not(None)))).one()
    assert sent == len(network.received) > 0  # every POST that was answered is recorded
    assert leased == 0  # and nothing is left half-done


async def test_a_fan_out_is_claimed_one_server_at_a_time_in_turn(services, make_artist):
    """A batch the worker claims spreads over the servers, so none gets a burst of parallel connections."""
    from fediart.outbox.enqueue import enqueue

    ana = await make_artist("ana")
    actor = services.urls.actor("ana")
    inboxes = [f"https://{host}/users/u{n}/inbox" for host in ("a.example", "b.example", "c.example")
               for n in range(4)][:-2] + ["https://a.example/users/u0/inbox"]  # c has two; a duplicate
    async with services.sessions() as session:
        await enqueue(session, ana, {"id": f"{actor}/statuses/1/activity", "type": "Create"}, inboxes)
        await session.commit()
    async with services.sessions() as session:
        ids = await claim(session, Delivery, 6, lease_seconds=600, now=utcnow() + timedelta(seconds=1))
        hosts = [(await session.get(Delivery, i)).host for i in ids]
    assert hosts == ["a.example", "b.example", "c.example"] * 2
    async with services.sessions() as session:
        assert (await session.exec(select(func.count()).select_from(Delivery))).one() == 10


async def test_delivery_results_are_recorded_in_their_write_turn(services, make_artist):
    """On SQLite the batch of results waits for this process's write turn; on PostgreSQL nothing waits."""
    from fediart.outbox.deliver import Job, Result, record

    ana = await make_artist("ana")
    [delivery_id] = await pending_deliveries(services, ana, 1)
    job = Job(delivery_id, 0, "https://remote.example/users/u0/inbox", "remote.example", 0)
    async with services.writes():
        recording = asyncio.create_task(record(services, [Result(job, "sent", 202)]))
        if services.engine.dialect.name == "sqlite":
            done, _ = await asyncio.wait({recording}, timeout=0.5)
            assert not done, "results were written while another write transaction held the turn"
        else:
            await asyncio.wait_for(recording, timeout=10)
    await asyncio.wait_for(recording, timeout=10)
    async with services.sessions() as session:
        assert (await session.get(Delivery, delivery_id)).state == "sent"
