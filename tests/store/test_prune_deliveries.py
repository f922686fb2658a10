"""Finished deliveries leave the table after their retention; pending ones and recent ones stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert
from sqlmodel import select

from fediart.store.prune import prune_deliveries
from fediart.store.tables import Delivery, OutboxActivity, utcnow


async def test_old_finished_deliveries_go_and_everything_else_stays(services, make_artist):
    ana = await make_artist("ana")
    now = utcnow()
    old, recent = now - timedelta(days=30), now - timedelta(hours=1)
    rows = {"old sent": ("sent", old), "old gave up": ("gave_up", old), "old pending": ("pending", old),
            "recent sent": ("sent", recent), "recent gave up": ("gave_up", recent)}
    async with services.sessions() as session:
        activity = OutboxActivity(uri="https://art.example/a/1", account_id=ana.id, activity_type="Create", body="{}")
        session.add(activity)
        await session.flush()
        await session.exec(insert(Delivery), params=[
            {"activity_id": activity.id, "inbox": f"https://remote.example/{name}", "host": "remote.example",
             "state": state, "attempts": 1, "retry_at": created, "created_at": created, "last_error": ""}
            for name, (state, created) in rows.items()])
        await session.commit()
    async with services.sessions() as session:
        assert await prune_deliveries(session, now - timedelta(days=7), batch=1) == 2  # batches end to end
    async with services.sessions() as session:
        left = set((await session.exec(select(Delivery.inbox))).all())
    assert left == {"https://remote.example/old pending", "https://remote.example/recent sent",
                    "https://remote.example/recent gave up"}
