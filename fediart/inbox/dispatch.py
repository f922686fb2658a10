"""Processing a stored inbox item: parse it, look up its handler by type, record the outcome.

HANDLERS maps an activity type to `async def handler(services, activity, item)`; a type without
a handler is accepted and ignored with a log line. A handler that raises is retried with backoff,
unless the error says the document itself is malformed: that item fails at once, with the reason.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import orjson

from fediart.activitypub.hosts import host_of
from fediart.services import Services
from fediart.store.queue import backoff_seconds
from fediart.store.tables import InboxItem, utcnow

log = logging.getLogger("fediart.inbox")

Handler = Callable[[Services, dict[str, Any], InboxItem], Awaitable[None]]
MAX_ATTEMPTS = 5
# What a malformed document raises (a list where a string belongs, nesting too deep to serialise, a
# date out of range): the same input fails the same way again, so retrying only wastes work.
# Network and database trouble (FetchError, SQLAlchemy errors) is not among these and is retried.
MALFORMED = (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError, OverflowError)


def _handlers() -> dict[str, Handler]:
    from fediart.inbox.handlers import HANDLERS

    return HANDLERS


async def ignore(services: Services, activity: dict[str, Any], item: InboxItem) -> None:
    log.info("ignored %s %s from %s", item.activity_type, item.activity_uri, item.actor_uri)


async def process_item(services: Services, item_id: int) -> None:
    """Run one claimed inbox item to completion, or schedule its retry."""
    async with services.sessions() as session:
        item = await session.get(InboxItem, item_id)
    if item is None or item.state != "pending":
        return
    # The server may have been blocked between receipt and now: check again before acting.
    decision = await services.policy.check_host(host_of(item.actor_uri))
    if not decision.allowed:
        log.info("dropped %s %s: %s", item.activity_type, item.activity_uri, decision.reason)
        await _record(services, item_id)
        return
    try:
        activity = orjson.loads(item.body)
        handler = _handlers().get(item.activity_type, ignore)
        await handler(services, activity, item)
    except Exception as exc:  # recorded on the row and retried; a remote's odd activity must not stop us
        log.warning("processing %s %s failed: %s", item.activity_type, item.activity_uri, exc, exc_info=True)
        await _record(services, item_id, failed=f"{type(exc).__name__}: {exc}",
                      final=isinstance(exc, MALFORMED))
        return
    await _record(services, item_id)


async def _record(services: Services, item_id: int, failed: str | None = None, final: bool = False) -> None:
    async with services.sessions() as session:
        item = await session.get(InboxItem, item_id)
        if item is None:
            return
        item.claimed_until = None
        if failed is None:
            item.state = "done"
        else:
            item.attempts += 1
            item.last_error = failed[:1000]
            if final or item.attempts >= MAX_ATTEMPTS:
                item.state = "failed"
            else:
                item.retry_at = utcnow() + timedelta(seconds=backoff_seconds(item.attempts))
        session.add(item)
        await session.commit()
