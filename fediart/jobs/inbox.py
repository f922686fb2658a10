"""The inbox kind: verified activities stored before their 202, processed here (their own table).

process_item records each outcome on its row and applies the retries (inbox/dispatch.py).
"""

from __future__ import annotations

import asyncio
import logging

from fediart.inbox.dispatch import MAX_ATTEMPTS, process_item
from fediart.jobs.kind import Kind
from fediart.jobs.runner import Runner
from fediart.store.queue import backoff_seconds, claim
from fediart.store.states import InboxState, JobKind
from fediart.store.tables import InboxItem

log = logging.getLogger("fediart.worker")


class InboxRunner(Runner):
    async def claim(self, limit: int):
        async with self.services.writes(), self.services.sessions() as session:
            item_ids = await claim(session, InboxItem, limit, self.lease)
        return [self._processor(item_id) for item_id in item_ids]

    def _processor(self, item_id: int):
        async def process() -> None:
            try:
                await process_item(self.services, item_id)
            except asyncio.CancelledError:
                raise
            except Exception:  # the handler records its own failures; this is the last resort
                log.exception("inbox item %d failed", item_id)
        return process


INBOX = Kind(
    name=JobKind.INBOX,
    states=InboxState,
    concurrency=lambda settings: settings.inbox_concurrency,
    max_attempts=lambda settings: MAX_ATTEMPTS,
    backoff=backoff_seconds,
    runner=InboxRunner,
    table=InboxItem,
    about="activities other servers sent, processed",
)
