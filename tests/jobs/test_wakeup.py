"""A kind whose last claim found nothing rests until the next poll, but work announced in this process
(services.wake_worker, as posting does) is claimed at once."""

from __future__ import annotations

import asyncio

import pytest
from helpers import make_config
from jobs.worker_run import running_workers, wait_for
from outbox.test_worker_claims import pending_deliveries
from sqlalchemy import func
from sqlmodel import select

from fediart.store.tables import Delivery


@pytest.fixture
async def config(database_settings, tmp_path):
    return make_config(database_settings, tmp_path, worker={"poll_seconds": 60})  # never within this test


async def test_announced_work_is_claimed_at_once_though_the_kind_was_resting(services, network, make_artist):
    ana = await make_artist("ana")
    async with running_workers(services):
        await asyncio.sleep(0.3)  # the first round found nothing: every kind rests for a minute
        await pending_deliveries(services, ana, 3)
        services.wake_worker()
        await wait_for(lambda: _sent(services, 3), seconds=5, what="the announced deliveries")
    assert len(network.received) == 3


async def _sent(services, count: int) -> bool:
    async with services.sessions() as session:
        return (await session.exec(select(func.count()).where(Delivery.state == "sent"))).one() == count
