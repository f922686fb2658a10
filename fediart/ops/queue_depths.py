"""Queue depths read from the database: the shared truth every process reports alike, per job kind.

/metrics reads them at scrape time and `fediart jobs` prints them, through the same collect_depths.
prometheus_client collects synchronously, so the route reads the counts first (async) and hands
them to a QueueDepths collector made for that one scrape.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import case, func, select

from fediart.jobs.kind import Kind
from fediart.jobs.registry import KINDS
from fediart.services import Services
from fediart.store.job_tables import Job
from fediart.store.states import JobKind

TIMEOUT_SECONDS = 5.0

# The two kinds on their own tables keep the gauge names they have always had.
OWN_GAUGES = {JobKind.DELIVERY: ("deliveries", "Delivery rows"), JobKind.INBOX: ("inbox_items", "Inbox items")}


@dataclass(frozen=True)
class Depths:
    """One kind's rows by state; how many pending ones are due now, how many of those a worker holds, and
    since when the oldest that no worker holds has waited."""

    by_state: dict[str, int]
    due: int
    running: int = 0  # due rows under a live lease: being worked on
    oldest_waiting: datetime | None = None  # retry_at of the longest-waiting due row no worker holds

    @property
    def waiting(self) -> int:
        return self.due - self.running


def _folded(kind: Kind, rows) -> Depths:
    by_state = {state.value: 0 for state in kind.states}  # every state appears, at zero if empty
    due = running = 0
    oldest = None
    for state, count, due_count, leased, first in rows:
        by_state[state] = count
        due += int(due_count or 0)
        running += int(leased or 0)
        if first is not None and (oldest is None or first < oldest):
            oldest = first
    return Depths(by_state, due, running, oldest)


def _measures(table, now):
    is_due = (table.state == "pending") & (table.retry_at <= now)
    is_leased = is_due & (table.claimed_until.is_not(None)) & (table.claimed_until >= now)
    return (func.count(), func.sum(case((is_due, 1), else_=0)), func.sum(case((is_leased, 1), else_=0)),
            func.min(case((is_due & ~is_leased, table.retry_at))))


async def collect_depths(session, kinds: tuple[Kind, ...] = KINDS) -> dict[str, Depths]:
    """Per kind name: its depths. One GROUP BY per own table and one for the whole job table."""
    now = datetime.now(UTC)  # to the microsecond, as job times are (store/jobs.py)
    depths: dict[str, Depths] = {}
    for kind in kinds:
        if not kind.on_job_table:
            rows = (await session.exec(select(kind.table.state, *_measures(kind.table, now))
                                       .group_by(kind.table.state))).all()
            depths[kind.name] = _folded(kind, rows)
    shared = [kind for kind in kinds if kind.on_job_table]
    if shared:
        rows = (await session.exec(select(Job.kind, Job.state, *_measures(Job, now))
                                   .group_by(Job.kind, Job.state))).all()
        for kind in shared:
            depths[kind.name] = _folded(kind, [row[1:] for row in rows if row[0] == kind.name])
    return depths


async def read_depths(services: Services, timeout: float = TIMEOUT_SECONDS) -> dict[str, Depths] | None:
    """Every kind's depths, or None when the database does not answer in time."""
    try:
        async with asyncio.timeout(timeout):
            async with services.sessions() as session:
                return await collect_depths(session)
    except Exception:  # the scrape still shows the counters, and fediart_queue_read_ok says the rest is missing
        return None


class QueueDepths(Collector):
    def __init__(self, depths: dict[str, Depths] | None) -> None:
        self.depths = depths

    def collect(self):
        ok = GaugeMetricFamily("fediart_queue_read_ok", "1 when the queue depths below were read from the "
                               "database in this scrape, 0 when it did not answer.")
        ok.add_metric([], 1 if self.depths is not None else 0)
        yield ok
        if self.depths is None:
            return
        for kind, (name, what) in OWN_GAUGES.items():
            if kind not in self.depths:
                continue
            depths = self.depths[kind]
            by_state = GaugeMetricFamily(f"fediart_{name}", f"{what} in the database, by state.", labels=["state"])
            for state, count in sorted(depths.by_state.items()):
                by_state.add_metric([state], count)
            yield by_state
            yield GaugeMetricFamily(f"fediart_{name}_due", f"{what} pending and due now (a backlog when it "
                                    "stays high).", value=depths.due)
        jobs = GaugeMetricFamily("fediart_jobs", "Jobs on the job table, by kind and state.", labels=["kind", "state"])
        due = GaugeMetricFamily("fediart_jobs_due", "Jobs pending and due now, by kind.", labels=["kind"])
        for kind, depths in sorted(self.depths.items()):
            if kind in OWN_GAUGES:
                continue
            for state, count in sorted(depths.by_state.items()):
                jobs.add_metric([kind, state], count)
            due.add_metric([kind], depths.due)
        yield jobs
        yield due
