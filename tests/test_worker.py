"""The running worker's housekeeping (the pruning job kind): it prunes the inbox on its schedule, and not
when told not to, and uploads no post took."""

import asyncio
from datetime import timedelta

import pytest
from fakes import post_activity
from helpers import make_config
from inbox.activities import activity, rows
from posting import jpeg
from sqlmodel import update

from fediart.actions.media import upload_media
from fediart.store.job_tables import Job
from fediart.store.states import JobKind, JobState
from fediart.store.tables import InboxItem, Media, utcnow
from fediart.worker import Worker


@pytest.fixture
async def config(database_settings, tmp_path, request):
    hours = getattr(request, "param", 24.0)
    # Pruning every 60 ms, so a test sees the schedule come round twice.
    return make_config(database_settings, tmp_path, worker={"inbox_retention_hours": hours,
                                                            "prune_every_minutes": 0.001, "poll_seconds": 0.02})


async def receive_old(client, services, actor) -> str:
    """An activity received and processed 30 days ago."""
    sent = activity(actor, "Wobble", "x")
    assert (await post_activity(client, actor, sent)).status_code == 202
    async with services.sessions() as session:
        await session.exec(update(InboxItem).where(InboxItem.activity_uri == sent["id"])
                           .values(state="done", received_at=utcnow() - timedelta(days=30)))
        await session.commit()
    return sent["id"]


async def wait_for(condition, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the worker did not get there in time")


async def uris(services) -> set[str]:
    return {item.activity_uri for item in await rows(services, InboxItem)}


async def test_the_worker_prunes_old_items_on_its_schedule(client, network, services):
    bob = network.add_actor("bob")
    first = await receive_old(client, services, bob)
    stop = asyncio.Event()
    task = asyncio.create_task(Worker(services).run(stop))
    try:
        await wait_for(lambda: _gone(services, first))
        second = await receive_old(client, services, bob)  # arrives after the first pruning
        await wait_for(lambda: _gone(services, second))
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)


async def _gone(services, uri: str) -> bool:
    return uri not in await uris(services)


@pytest.mark.parametrize("config", [0.0], indirect=True)
async def test_retention_zero_keeps_every_item(client, network, services):
    bob = network.add_actor("bob")
    old = await receive_old(client, services, bob)
    new = activity(bob, "Wobble", "y")
    assert (await post_activity(client, bob, new)).status_code == 202
    stop = asyncio.Event()
    task = asyncio.create_task(Worker(services).run(stop))
    try:  # once a pruning job has run after the new item was processed, pruning has had its chance
        await wait_for(lambda: _done(services, new["id"]))
        async with services.sessions() as session:
            await session.exec(update(Job).values(created_at=utcnow() - timedelta(hours=1)))  # the period is over
            await session.commit()
        await wait_for(lambda: _pruned_after(services, 2))
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)
    assert await uris(services) == {old, new["id"]}


async def _pruned_after(services, runs: int) -> bool:
    done = [j for j in await rows(services, Job) if j.kind == JobKind.PRUNING and j.state == JobState.DONE]
    return len(done) >= runs


async def _done(services, uri: str) -> bool:
    return any(i.activity_uri == uri and i.state == "done" for i in await rows(services, InboxItem))


@pytest.mark.parametrize("config", [0.0], indirect=True)
async def test_the_worker_prunes_stale_uploads_even_when_it_keeps_the_inbox(client, services, make_artist):
    ana = await make_artist("ana")
    stale, fresh = await upload_media(services, ana, jpeg()), await upload_media(services, ana, jpeg())
    async with services.sessions() as session:
        await session.exec(update(Media).where(Media.id == stale.id)
                           .values(created_at=utcnow() - timedelta(hours=25)))
        await session.commit()
    stop = asyncio.Event()
    task = asyncio.create_task(Worker(services).run(stop))
    try:
        await wait_for(lambda: _media_gone(services, stale.id))
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)
    assert {m.id for m in await rows(services, Media)} == {fresh.id}
    assert not (services.media_dir / stale.file).exists()


async def _media_gone(services, media_id: int) -> bool:
    return media_id not in {m.id for m in await rows(services, Media)}


async def test_the_worker_prunes_old_finished_deliveries(client, services, make_artist):
    from sqlalchemy import insert

    from fediart.store.tables import Delivery, OutboxActivity

    ana = await make_artist("ana")
    old = utcnow() - timedelta(days=30)
    async with services.sessions() as session:
        activity_row = OutboxActivity(uri="https://art.example/a/1", account_id=ana.id, activity_type="Create",
                                      body="{}")
        session.add(activity_row)
        await session.flush()
        await session.exec(insert(Delivery), params=[
            {"activity_id": activity_row.id, "inbox": f"https://remote.example/{state}", "host": "remote.example",
             "state": state, "attempts": 1, "retry_at": utcnow() + timedelta(days=1), "created_at": created,
             "last_error": ""}
            for state, created in (("sent", old), ("gave_up", old), ("sent", utcnow()))])
        await session.commit()
    stop = asyncio.Event()
    task = asyncio.create_task(Worker(services).run(stop))
    try:
        await wait_for(lambda: _deliveries_left(services, 1))
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)
    [left] = await rows(services, Delivery)
    assert left.created_at > old + timedelta(days=29)


async def _deliveries_left(services, count: int) -> bool:
    from fediart.store.tables import Delivery

    return len(await rows(services, Delivery)) == count
