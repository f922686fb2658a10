"""Delivering one activity to one inbox: sign, POST, and record what happened.

2xx: sent. 410 from a follower's own inbox: that follower is gone. Other 4xx (but 408 and 429):
given up, as Mastodon does. 408, 429, 5xx and network errors: retried with backoff (honouring
Retry-After) until the attempts run out, about two days.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx
from sqlmodel import delete, select

from fediart.activitypub.keys import load_private_key
from fediart.activitypub.signatures import sign_request
from fediart.activitypub.vocab import AP_CONTENT_TYPE
from fediart.licence.headers import request_headers
from fediart.outbox.hosts import is_unavailable, record_failure, record_success
from fediart.services import Services
from fediart.store.queue import backoff_seconds
from fediart.store.tables import Account, Delivery, Follower, OutboxActivity, RemoteActor, utcnow

log = logging.getLogger("fediart.deliver")


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds, from either of its two forms; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


async def deliver(services: Services, delivery_id: int) -> None:
    async with services.sessions() as session:
        delivery = await session.get(Delivery, delivery_id)
        if delivery is None or delivery.state != "pending":
            return
        activity = await session.get(OutboxActivity, delivery.activity_id)
        account = await session.get(Account, activity.account_id)
        unavailable = await is_unavailable(session, delivery.host)
    decision = await services.policy.check_host(delivery.host.rsplit(":", 1)[0])
    if not decision.allowed or unavailable:
        await _finish(services, delivery_id, "gave_up", error=decision.reason or "host marked unavailable")
        return

    body = activity.body.encode()
    headers = {"Content-Type": AP_CONTENT_TYPE, "Accept": AP_CONTENT_TYPE}
    headers.update(request_headers(services.licence_for(account)) if account.kind == "person" else {})
    key_id = services.urls.key_id(account.username) if account.kind == "person" else services.urls.instance_key_id
    private_key = load_private_key(account.private_key_pem)
    # RSA signing costs ~220 µs and releases the GIL, so a thread keeps the event loop free.
    signed = await asyncio.to_thread(sign_request, "POST", delivery.inbox, headers, body, key_id, private_key)
    headers.update(signed)
    try:
        response = await services.http.post(delivery.inbox, content=body, headers=headers,
                                            timeout=services.config.worker.delivery_timeout_seconds)
        await response.aclose()
    except httpx.HTTPError as exc:
        await _retry(services, delivery_id, None, f"{type(exc).__name__}: {exc}"[:1000], None)
        return

    status = response.status_code
    if 200 <= status < 300:
        await _finish(services, delivery_id, "sent", status=status)
    elif status == 410:
        await _follower_gone(services, delivery.inbox)
        await _finish(services, delivery_id, "gave_up", status=status, error="inbox is gone")
    elif 400 <= status < 500 and status not in (408, 429):
        await _finish(services, delivery_id, "gave_up", status=status, error=f"HTTP {status}")
    else:
        wait = retry_after_seconds(response.headers.get("retry-after"), datetime.now(UTC))
        await _retry(services, delivery_id, status, f"HTTP {status}", wait)


async def _finish(services: Services, delivery_id: int, state: str, *, status: int | None = None,
                  error: str = "") -> None:
    async with services.sessions() as session:
        delivery = await session.get(Delivery, delivery_id)
        delivery.state = state
        delivery.attempts += 1
        delivery.last_status = status
        delivery.last_error = error
        delivery.claimed_until = None
        if state == "sent":
            delivery.sent_at = utcnow()
            await record_success(session, delivery.host)
        session.add(delivery)
        await session.commit()
    if state != "sent":
        log.info("delivery %d to %s: %s %s", delivery_id, delivery.inbox, state, error)


async def _retry(services: Services, delivery_id: int, status: int | None, error: str,
                 retry_after: float | None) -> None:
    settings = services.config.worker
    async with services.sessions() as session:
        delivery = await session.get(Delivery, delivery_id)
        delivery.attempts += 1
        delivery.last_status = status
        delivery.last_error = error
        delivery.claimed_until = None
        if delivery.attempts >= settings.max_delivery_attempts:
            delivery.state = "gave_up"
        else:
            wait = max(backoff_seconds(delivery.attempts), retry_after or 0.0)
            delivery.retry_at = utcnow() + timedelta(seconds=wait)
        if await record_failure(session, delivery.host, settings.unavailable_after_days):
            log.warning("%s failed on %d distinct days; skipping it until it speaks again",
                        delivery.host, settings.unavailable_after_days)
        session.add(delivery)
        await session.commit()
    log.info("delivery %d to %s failed (%s); attempt %d", delivery_id, delivery.inbox, error, delivery.attempts)


async def _follower_gone(services: Services, inbox: str) -> None:
    """A 410 from an actor's own inbox means the actor is gone: drop it as a follower."""
    async with services.sessions() as session:
        gone = (await session.exec(select(RemoteActor.id).where(RemoteActor.inbox == inbox))).all()
        if gone:
            await session.exec(delete(Follower).where(Follower.actor_id.in_(gone)))
            await session.commit()
            log.info("removed followers whose inbox %s answered 410", inbox)
