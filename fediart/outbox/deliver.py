"""Delivering activities to remote inboxes: sign, POST, and record what happened.

2xx: sent. 410 from a follower's own inbox: that follower is gone. Other 4xx (but 408 and 429):
given up, as Mastodon does. 408, 429, 5xx and network errors: retried with backoff (honouring
Retry-After) until the attempts run out, about two days.

Sending and recording are apart so the worker can record many results in one transaction: with
SQLite every write transaction queues behind the others, and two per delivery capped a fan-out at
about a hundred deliveries a second. `deliver()` does one delivery start to end.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx
from sqlmodel import delete, select, update

from fediart.activitypub.http_client import check_origin, post_bytes
from fediart.activitypub.keys import load_private_key
from fediart.activitypub.signatures import sign_request
from fediart.activitypub.vocab import AP_CONTENT_TYPE
from fediart.licence.headers import request_headers
from fediart.ops import counters
from fediart.ops.counters import DeliveryOutcome
from fediart.outbox.hosts import record_failure, record_successes, unavailable_among
from fediart.services import Services
from fediart.store.queue import backoff_seconds
from fediart.store.tables import Account, Delivery, Follower, OutboxActivity, Actor, utcnow

log = logging.getLogger("fediart.deliver")

# What a delivery job needs of its row; the worker's claim returns exactly these columns.
JOB_COLUMNS = ("id", "activity_id", "inbox", "host", "attempts")


@dataclass(frozen=True)
class Job:
    """A leased delivery."""

    id: int
    activity_id: int
    inbox: str
    host: str
    attempts: int  # before this one


@dataclass(frozen=True)
class Prepared:
    """An activity ready to sign for any inbox: its bytes, fixed headers and its author's key."""

    body: bytes
    headers: dict[str, str]
    key_id: str
    private_key: object


@dataclass(frozen=True)
class Result:
    """What one attempt came to: sent, gave_up, or retry (later, or never if attempts ran out)."""

    job: Job
    state: str
    status: int | None = None
    error: str = ""
    retry_after: float | None = None
    inbox_gone: bool = False


class Activities:
    """Prepared activities by id, the most recent few kept: a fan-out reads its activity once."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._kept: OrderedDict[int, Prepared] = OrderedDict()

    async def get_many(self, services: Services, ids: Iterable[int]) -> dict[int, Prepared]:
        ids = set(ids)
        missing = ids - self._kept.keys()
        if missing:
            async with services.sessions() as session:
                rows = await session.exec(
                    select(OutboxActivity, Account).join(Account, Account.id == OutboxActivity.account_id)
                    .where(OutboxActivity.id.in_(missing)))
                for activity, account in rows.all():
                    self._kept[activity.id] = prepare(services, activity, account)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return {i: self._kept[i] for i in ids if i in self._kept}


def prepare(services: Services, activity: OutboxActivity, account: Account) -> Prepared:
    headers = {"Content-Type": AP_CONTENT_TYPE, "Accept": AP_CONTENT_TYPE}
    if account.kind == "person":
        headers.update(request_headers(services.licence_for(account)))
        key_id = services.urls.key_id(account.username)
    else:
        key_id = services.urls.instance_key_id
    return Prepared(activity.body.encode(), headers, key_id, load_private_key(account.private_key_pem))


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


async def send(services: Services, job: Job, prepared: Prepared, host_refused: str | None) -> Result:
    """Sign and POST one delivery; touches no database, so results can be recorded in batches.

    host_refused says why the job's host must not be contacted (blocked, unavailable), if it must not.
    """
    if host_refused:
        return Result(job, "gave_up", error=host_refused)
    # The connect-time guard never sees a literal address, so check the URL itself too.
    refused = check_origin(job.inbox, services.config)
    if refused:
        return Result(job, "gave_up", error=f"inbox refused: {refused}")
    headers = dict(prepared.headers)
    # RSA signing is the costliest step and releases the GIL, so a thread keeps the event loop free.
    headers.update(await asyncio.to_thread(sign_request, "POST", job.inbox, headers, prepared.body,
                                           prepared.key_id, prepared.private_key))
    try:
        status, retry_after = await post_bytes(services.http, job.inbox, prepared.body, headers,
                                               services.config.worker.delivery_timeout_seconds)
    except (httpx.HTTPError, OSError) as exc:
        return Result(job, "retry", error=f"{type(exc).__name__}: {exc}"[:1000])
    if 200 <= status < 300:
        return Result(job, "sent", status)
    if status == 410:
        return Result(job, "gave_up", status, "inbox is gone", inbox_gone=True)
    if 400 <= status < 500 and status not in (408, 429):
        return Result(job, "gave_up", status, f"HTTP {status}")
    wait = retry_after_seconds(retry_after, datetime.now(UTC))
    return Result(job, "retry", status, f"HTTP {status}", wait)


def outcome_of(result: Result, max_attempts: int) -> DeliveryOutcome:
    """What an attempt comes to once recorded: a retry with no attempts left is the last one."""
    if result.state == "sent":
        return DeliveryOutcome.DELIVERED
    if result.state == "gave_up" or result.job.attempts + 1 >= max_attempts:
        return DeliveryOutcome.GAVE_UP
    return DeliveryOutcome.RETRY


async def record(services: Services, results: list[Result]) -> None:
    """Write a batch of results in one transaction: row states, retries, gone followers, host health."""
    if not results:
        return
    settings = services.config.worker
    now = utcnow()
    sent: dict[int | None, list[int]] = defaultdict(list)
    async with services.writes(), services.sessions() as session:
        for result in results:
            outcome = outcome_of(result, settings.max_delivery_attempts)
            if outcome == DeliveryOutcome.DELIVERED:
                sent[result.status].append(result.job.id)
                continue
            attempts = result.job.attempts + 1
            values = {"attempts": attempts, "last_status": result.status, "last_error": result.error[:1000],
                      "claimed_until": None}
            if outcome == DeliveryOutcome.GAVE_UP:
                values["state"] = "gave_up"
            else:
                wait = max(backoff_seconds(attempts), result.retry_after or 0.0)
                values["retry_at"] = now + timedelta(seconds=wait)
            # Only a row still pending: a lease that ran out may have let another worker finish it.
            await session.exec(update(Delivery).where(Delivery.id == result.job.id, Delivery.state == "pending")
                               .values(**values))
        for status, ids in sent.items():
            await session.exec(update(Delivery).where(Delivery.id.in_(ids), Delivery.state == "pending").values(
                state="sent", attempts=Delivery.attempts + 1, last_status=status, last_error="", sent_at=now,
                claimed_until=None))
        succeeded = {r.job.host for r in results if r.state == "sent"}
        await record_successes(await session.connection(), succeeded)
        for host in {r.job.host for r in results if r.state == "retry"} - succeeded:
            if await record_failure(session, host, settings.unavailable_after_days):
                log.warning("%s failed on %d distinct days; skipping it until it speaks again",
                            host, settings.unavailable_after_days)
        gone = {r.job.inbox for r in results if r.inbox_gone}
        if gone:
            await _forget_followers_at(session, gone)
        await session.commit()
    for result in results:
        counters.delivery_finished(outcome_of(result, settings.max_delivery_attempts))
        if result.state != "sent":
            log.info("delivery %d to %s: %s %s (attempt %d)", result.job.id, result.job.inbox, result.state,
                     result.error, result.job.attempts + 1)


async def _forget_followers_at(session, inboxes: set[str]) -> None:
    """A 410 from an actor's own inbox means the actor is gone: drop it as a follower."""
    gone = (await session.exec(select(Actor.id).where(Actor.inbox.in_(inboxes)))).all()
    if gone:
        await session.exec(delete(Follower).where(Follower.actor_id.in_(gone)))
        log.info("removed followers whose inbox answered 410: %s", ", ".join(sorted(inboxes)))


async def context_for(services: Services, jobs: list[Job], activities: Activities
                      ) -> tuple[dict[int, Prepared], dict[str, str]]:
    """What a claimed batch needs before sending: its activities, and why hosts must not be contacted.

    Once per batch and host, not per delivery: two queries, and a policy check per distinct host.
    """
    prepared = await activities.get_many(services, {job.activity_id for job in jobs})
    hosts = {job.host for job in jobs}
    async with services.sessions() as session:
        unavailable = await unavailable_among(session, hosts)
    refused = {}
    for host in hosts:
        decision = await services.policy.check_host(host.rsplit(":", 1)[0])
        if not decision.allowed:
            refused[host] = decision.reason
        elif host in unavailable:
            refused[host] = "host marked unavailable"
    return prepared, refused


async def deliver(services: Services, delivery_id: int) -> None:
    """Deliver one pending delivery now and record the result (the batch path, for one row)."""
    async with services.sessions() as session:
        row = await session.get(Delivery, delivery_id)
        if row is None or row.state != "pending":
            return
        job = Job(row.id, row.activity_id, row.inbox, row.host, row.attempts)
    await deliver_jobs(services, [job], Activities(1))


async def deliver_jobs(services: Services, jobs: list[Job], activities: Activities) -> None:
    """Send a claimed batch concurrently and record all results together (tests and one-shot runs)."""
    prepared, refused = await context_for(services, jobs, activities)
    results = await asyncio.gather(*(send(services, job, prepared[job.activity_id], refused.get(job.host))
                                     for job in jobs if job.activity_id in prepared))
    gone = [Result(job, "gave_up", error="the activity no longer exists")
            for job in jobs if job.activity_id not in prepared]
    await record(services, [*results, *gone])
