"""Delivering to remote inboxes over a fake network: signatures, results, retries, gone followers, host health."""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import orjson
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from fakes import post_activity
from sqlmodel import select

from fediart.activitypub.digest import digest_header
from fediart.activitypub.keys import load_public_key
from fediart.activitypub.signatures import parse_signature, verify_parsed
from fediart.activitypub.signatures_cavage import read_signature_header
from fediart.outbox.audience import follower_inboxes
from fediart.outbox.deliver import deliver
from fediart.outbox.enqueue import enqueue
from fediart.store.policy_tables import DomainBlock
from fediart.store.tables import (Account, Delivery, Follower, InboxItem, Actor, UnavailableHost,
                                  utcnow)
from fediart.worker import run_due_work

AS = "https://www.w3.org/ns/activitystreams"


@pytest.fixture
def response_headers(services, network):
    """Headers every fake inbox adds to its answers (e.g. Retry-After); the fake network has no such knob."""
    extra: dict[str, str] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        response = network.handler(request)
        response.headers.update(extra)
        return response

    services.http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return extra


async def add_follower(services, network, account: Account, username: str, host: str = "remote.example",
                       *, shared_inbox: bool = False):
    """A remote actor (served by the fake network) following `account`, written straight to the database."""
    actor = network.add_actor(username, host=host, shared_inbox=shared_inbox)
    async with services.sessions() as session:
        row = Actor(uri=actor.uri, domain=host, username=username, inbox=actor.inbox,
                          shared_inbox=actor.shared_inbox_url, key_id=actor.key_id, public_key_pem=actor.public_pem)
        session.add(row)
        await session.flush()
        session.add(Follower(account_id=account.id, actor_id=row.id, follow_uri=actor.new_id("follows"),
                             state="accepted"))
        await session.commit()
    return actor


_serial = iter(range(1, 1_000_000))


async def publish(services, account: Account) -> tuple[dict, list[Delivery]]:
    """Enqueue a Create{Note} to the account's followers, as the publishing code will; returns its deliveries."""
    number = next(_serial)
    actor = services.urls.actor(account.username)
    note = {"id": f"{actor}/statuses/{number}", "type": "Note", "attributedTo": actor, "content": "<p>hi</p>",
            "to": [f"{AS}#Public"], "cc": [services.urls.followers(account.username)]}
    activity = {"@context": AS, "id": note["id"] + "/activity", "type": "Create", "actor": actor,
                "object": note, "to": note["to"], "cc": note["cc"]}
    async with services.sessions() as session:
        inboxes = await follower_inboxes(session, account.id)
        row = await enqueue(session, account, activity, inboxes)
        await session.commit()
        deliveries = (await session.exec(select(Delivery).where(Delivery.activity_id == row.id))).all()
    return activity, sorted(deliveries, key=lambda d: d.inbox)


async def reload(services, delivery: Delivery) -> Delivery:
    async with services.sessions() as session:
        return await session.get(Delivery, delivery.id)


async def make_due(services, delivery: Delivery, **fields) -> None:
    async with services.sessions() as session:
        row = await session.get(Delivery, delivery.id)
        row.retry_at = utcnow() - timedelta(seconds=1)
        for name, value in fields.items():
            setattr(row, name, value)
        session.add(row)
        await session.commit()


def independent_check(public_pem: str, method: str, path: str, headers: httpx.Headers) -> bool:
    """Rebuild the draft-cavage signing string by hand and check it with the raw RSA primitive."""
    params = dict(part.split("=", 1) for part in headers["signature"].split(","))
    params = {name: value.strip('"') for name, value in params.items()}
    lines = []
    for name in params["headers"].split():
        value = f"{method.lower()} {path}" if name == "(request-target)" else headers[name]
        lines.append(f"{name}: {value}")
    try:
        load_public_key(public_pem).verify(base64.b64decode(params["signature"]), "\n".join(lines).encode(),
                                           padding.PKCS1v15(), hashes.SHA256())
    except Exception:  # noqa: BLE001 - any failure is a bad signature here
        return False
    return True


async def test_delivery_is_signed_so_the_account_key_verifies_it(services, network, make_artist):
    ana = await make_artist("ana")
    bob = await add_follower(services, network, ana, "bob")
    activity, [delivery] = await publish(services, ana)
    await deliver(services, delivery.id)

    [received] = network.received
    assert received.url == bob.inbox and received.body == activity
    headers, body = received.headers, orjson.dumps(activity)
    assert headers["content-type"] == "application/activity+json"
    assert "train-ai=n" in headers["content-usage"]  # the artist's reservation travels with the activity
    assert headers["digest"] == digest_header(body)
    params = read_signature_header(headers["signature"])
    assert params["keyId"] == services.urls.key_id("ana")
    assert set(params["headers"].split()) >= {"(request-target)", "host", "date", "digest"}
    path = httpx.URL(bob.inbox).raw_path.decode()
    parsed = parse_signature("POST", path, headers, body, authority=headers["host"])
    assert verify_parsed(parsed, load_public_key(ana.public_key_pem)).ok
    assert independent_check(ana.public_key_pem, "POST", path, headers)
    assert not independent_check(bob.public_pem, "POST", path, headers)  # the check can fail

    row = await reload(services, delivery)
    assert (row.state, row.attempts, row.last_status, row.claimed_until) == ("sent", 1, 202, None)
    assert row.sent_at is not None


async def test_one_post_per_shared_inbox_and_run_due_work_sends_all(services, network, make_artist):
    ana = await make_artist("ana")
    for name in ("bob", "cat", "dan"):
        await add_follower(services, network, ana, name, host="big.example", shared_inbox=True)
    eve = await add_follower(services, network, ana, "eve", host="small.example")
    _, deliveries = await publish(services, ana)
    assert [d.inbox for d in deliveries] == ["https://big.example/inbox", eve.inbox]
    assert await run_due_work(services) == 2
    assert sorted(r.url for r in network.received) == ["https://big.example/inbox", eve.inbox]
    assert {(await reload(services, d)).state for d in deliveries} == {"sent"}


async def test_server_error_is_retried_later_with_backoff(services, network, make_artist):
    ana = await make_artist("ana")
    bob = await add_follower(services, network, ana, "bob")
    network.inbox_status[bob.inbox] = 500
    _, [delivery] = await publish(services, ana)
    before = utcnow()
    await deliver(services, delivery.id)
    row = await reload(services, delivery)
    assert (row.state, row.attempts, row.last_status, row.claimed_until) == ("pending", 1, 500, None)
    assert row.retry_at >= before + timedelta(seconds=15)  # Mastodon's 1⁴ + 15 s
    assert await run_due_work(services) == 0  # not due yet

    network.inbox_status[bob.inbox] = 202
    await make_due(services, delivery)
    assert await run_due_work(services) == 1
    row = await reload(services, delivery)
    assert (row.state, row.attempts) == ("sent", 2)


@pytest.mark.parametrize("form", ["seconds", "http-date"])
async def test_retry_after_is_honoured(services, network, make_artist, response_headers, form):
    ana = await make_artist("ana")
    bob = await add_follower(services, network, ana, "bob")
    network.inbox_status[bob.inbox] = 503
    later = datetime.now(UTC) + timedelta(hours=2)
    response_headers["Retry-After"] = "7200" if form == "seconds" else format_datetime(later, usegmt=True)
    _, [delivery] = await publish(services, ana)
    await deliver(services, delivery.id)
    row = await reload(services, delivery)
    assert row.state == "pending" and row.attempts == 1
    assert abs((row.retry_at.replace(tzinfo=UTC) - later).total_seconds()) < 5


@pytest.mark.parametrize("status,state", [(400, "gave_up"), (403, "gave_up"), (404, "gave_up"),
                                          (408, "pending"), (429, "pending"), (502, "pending")])
async def test_client_errors_give_up_but_timeouts_and_rate_limits_retry(services, network, make_artist,
                                                                        status, state):
    ana = await make_artist("ana")
    bob = await add_follower(services, network, ana, "bob")
    network.inbox_status[bob.inbox] = status
    _, [delivery] = await publish(services, ana)
    await deliver(services, delivery.id)
    row = await reload(services, delivery)
    assert (row.state, row.attempts, row.last_status) == (state, 1, status)
    assert (row.retry_at > utcnow()) == (state == "pending")


async def test_network_error_is_retried(services, network, make_artist, response_headers):
    ana = await make_artist("ana")
    await add_follower(services, network, ana, "bob")
    _, [delivery] = await publish(services, ana)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    services.http = httpx.AsyncClient(transport=httpx.MockTransport(refuse))
    await deliver(services, delivery.id)
    row = await reload(services, delivery)
    assert (row.state, row.attempts, row.last_status) == ("pending", 1, None)
    assert "ConnectError" in row.last_error


async def test_gone_personal_inbox_removes_the_follower_but_a_gone_shared_inbox_does_not(
        services, network, make_artist):
    ana = await make_artist("ana")
    bob = await add_follower(services, network, ana, "bob")
    await add_follower(services, network, ana, "cat", host="shared.example", shared_inbox=True)
    network.inbox_status[bob.inbox] = 410
    network.inbox_status["https://shared.example/inbox"] = 410
    _, deliveries = await publish(services, ana)
    assert await run_due_work(services) == 2
    assert {(await reload(services, d)).state for d in deliveries} == {"gave_up"}
    async with services.sessions() as session:
        left = (await session.exec(select(Actor.username).join(Follower,
                                                                     Follower.actor_id == Actor.id))).all()
    assert left == ["cat"]


async def test_gives_up_after_the_last_attempt(services, network, make_artist):
    ana = await make_artist("ana")
    bob = await add_follower(services, network, ana, "bob")
    network.inbox_status[bob.inbox] = 500
    _, [delivery] = await publish(services, ana)
    last = services.config.worker.max_delivery_attempts
    await make_due(services, delivery, attempts=last - 1)
    await deliver(services, delivery.id)
    row = await reload(services, delivery)
    assert (row.state, row.attempts, row.last_status) == ("gave_up", last, 500)


async def test_host_failing_on_distinct_days_is_skipped_until_it_speaks_again(services, network, make_artist,
                                                                              client):
    ana = await make_artist("ana")
    bob = await add_follower(services, network, ana, "bob", host="down.example")
    days = services.config.worker.unavailable_after_days
    today = utcnow().date()
    async with services.sessions() as session:  # failures on the days before today
        earlier = [(today - timedelta(days=n)).isoformat() for n in range(days - 1, 0, -1)]
        session.add(UnavailableHost(host="down.example", failure_days=earlier))
        await session.commit()

    network.inbox_status[bob.inbox] = 500
    _, [first] = await publish(services, ana)
    await deliver(services, first.id)  # the failure today is the last straw
    async with services.sessions() as session:
        record = await session.get(UnavailableHost, "down.example")
    assert record.unavailable_since is not None and len(record.failure_days) == days

    network.inbox_status[bob.inbox] = 202
    _, [skipped] = await publish(services, ana)
    await deliver(services, skipped.id)
    assert len(network.received) == 1  # only the first attempt reached the host
    row = await reload(services, skipped)
    assert row.state == "gave_up" and "unavailable" in row.last_error

    like = {"@context": AS, "id": bob.new_id(), "type": "Like", "actor": bob.uri,
            "object": services.urls.actor("ana") + "/statuses/1"}
    assert (await post_activity(client, bob, like)).status_code == 202
    async with services.sessions() as session:
        assert await session.get(UnavailableHost, "down.example") is None
    _, [after] = await publish(services, ana)
    await deliver(services, after.id)
    assert (await reload(services, after)).state == "sent"


async def test_a_success_clears_a_hosts_failure_days(services, network, make_artist):
    ana = await make_artist("ana")
    bob = await add_follower(services, network, ana, "bob", host="flaky.example")
    network.inbox_status[bob.inbox] = 500
    _, [delivery] = await publish(services, ana)
    await deliver(services, delivery.id)
    async with services.sessions() as session:
        record = await session.get(UnavailableHost, "flaky.example")
    assert record.failure_days == [utcnow().date().isoformat()] and record.unavailable_since is None
    network.inbox_status[bob.inbox] = 202
    await make_due(services, delivery)
    await deliver(services, delivery.id)
    async with services.sessions() as session:
        assert await session.get(UnavailableHost, "flaky.example") is None


async def test_blocked_domain_is_given_up_without_a_request(services, network, make_artist):
    ana = await make_artist("ana")
    await add_follower(services, network, ana, "spammer", host="sub.spam.example")
    _, [delivery] = await publish(services, ana)
    async with services.sessions() as session:
        session.add(DomainBlock(domain="spam.example"))
        await session.commit()
    services.policy.forget()
    await deliver(services, delivery.id)
    assert network.received == []
    row = await reload(services, delivery)
    assert row.state == "gave_up" and "blocked" in row.last_error


async def test_finished_or_missing_deliveries_are_left_alone(services, network, make_artist):
    ana = await make_artist("ana")
    await add_follower(services, network, ana, "bob")
    _, [delivery] = await publish(services, ana)
    await deliver(services, delivery.id)
    await deliver(services, delivery.id)  # a second run (a lease ran out meanwhile) sends nothing more
    await deliver(services, 10_000_000)
    assert len(network.received) == 1


async def test_inbox_at_a_private_address_is_given_up_without_a_request(services, network, make_artist):
    ana = await make_artist("ana")
    await add_follower(services, network, ana, "bob", host="10.0.0.5")  # a document may name any inbox
    _, [delivery] = await publish(services, ana)
    await deliver(services, delivery.id)
    assert network.received == []
    row = await reload(services, delivery)
    assert row.state == "gave_up" and "10.0.0.5 is not allowed" in row.last_error


async def test_the_same_activity_arriving_twice_at_once_is_accepted_once(services, network, client, make_artist):
    # Receiving clears the sender's host record (hosts.record_successes) in the same transaction as the
    # new row; a duplicate racing in must end as "already received", not as a 500.
    ana = await make_artist("ana")
    bob = await add_follower(services, network, ana, "bob")  # known already: this is about the inbox row
    like = {"@context": AS, "id": bob.new_id(), "type": "Like", "actor": bob.uri,
            "object": services.urls.actor("ana") + "/statuses/1"}
    responses = await asyncio.gather(*(post_activity(client, bob, like) for _ in range(6)))
    assert [r.status_code for r in responses] == [202] * 6
    async with services.sessions() as session:
        assert len((await session.exec(select(InboxItem).where(InboxItem.activity_uri == like["id"]))).all()) == 1
