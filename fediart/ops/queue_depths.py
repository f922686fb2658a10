"""Queue depths read from the database at scrape time: the shared truth every process reports alike.

prometheus_client collects synchronously, so the route reads the counts first (async) and hands
them to a QueueDepths collector made for that one scrape.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import case, func, select

from fediart.services import Services
from fediart.store.states import DeliveryState, InboxState
from fediart.store.tables import Delivery, InboxItem, utcnow

TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Depths:
    """Rows by state for one queue, and how many pending rows are due now (rather than waiting to retry)."""

    by_state: dict[str, int]
    due: int


async def _depths(session, table, states: type) -> Depths:
    now = utcnow()
    # One pass over the table: a GROUP BY with the due count folded in.
    due = func.sum(case(((table.state == "pending") & (table.retry_at <= now), 1), else_=0))
    rows = (await session.exec(select(table.state, func.count(), due).group_by(table.state))).all()
    by_state = {state.value: 0 for state in states}  # every state appears, at zero if empty
    total_due = 0
    for state, count, due_count in rows:
        by_state[state] = count
        total_due += int(due_count or 0)
    return Depths(by_state, total_due)


async def read_depths(services: Services, timeout: float = TIMEOUT_SECONDS) -> tuple[Depths, Depths] | None:
    """(deliveries, inbox items), or None when the database does not answer in time."""
    try:
        async with asyncio.timeout(timeout):
            async with services.sessions() as session:
                return (await _depths(session, Delivery, DeliveryState),
                        await _depths(session, InboxItem, InboxState))
    except Exception:  # the scrape still shows the counters, and fediart_queue_read_ok says the rest is missing
        return None


class QueueDepths(Collector):
    def __init__(self, depths: tuple[Depths, Depths] | None) -> None:
        self.depths = depths

    def collect(self):
        ok = GaugeMetricFamily("fediart_queue_read_ok", "1 when the queue depths below were read from the "
                               "database in this scrape, 0 when it did not answer.")
        ok.add_metric([], 1 if self.depths else 0)
        yield ok
        if self.depths is None:
            return
        for name, what, depths in (("deliveries", "Delivery rows", self.depths[0]),
                                   ("inbox_items", "Inbox items", self.depths[1])):
            by_state = GaugeMetricFamily(f"fediart_{name}", f"{what} in the database, by state.", labels=["state"])
            for state, count in sorted(depths.by_state.items()):
                by_state.add_metric([state], count)
            yield by_state
            yield GaugeMetricFamily(f"fediart_{name}_due", f"{what} pending and due now (a backlog when it "
                                    "stays high).", value=depths.due)
