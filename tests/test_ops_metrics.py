"""GET /metrics: off by default, behind the bearer token when one is set, Prometheus text with the queue
depths read from the database, delivery and inbox counters, and request timings by route template."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fakes import post_activity
from helpers import assert_licence_headers, make_config
from inbox.activities import activity
from outbox.test_deliver import add_follower, publish
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import update

from fediart.store.job_tables import Job
from fediart.store.jobs import enqueue
from fediart.store.states import JobKind
from fediart.store.tables import Delivery, InboxItem, utcnow
from fediart.worker import run_due_work

TOKEN = "s3cret-scrape-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
async def config(database_settings, tmp_path, request):
    server = getattr(request, "param", {"metrics": True, "metrics_token": TOKEN})
    return make_config(database_settings, tmp_path, server=server)


async def scrape(client) -> list:
    response = await client.get("/metrics", headers=AUTH)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    assert response.headers["cache-control"] == "no-store"
    assert_licence_headers(response)  # what fediart serves carries the reservation, even to a scraper
    return list(text_string_to_metric_families(response.text))


def value(families, sample_name: str, **labels) -> float:
    """The sum of the samples of that name whose labels include the given ones (0 when none)."""
    return sum(sample.value for family in families for sample in family.samples
               if sample.name == sample_name and labels.items() <= sample.labels.items())


@pytest.mark.parametrize("config", [{}], indirect=True)
async def test_metrics_are_off_by_default_and_the_route_is_404(client):
    assert (await client.get("/metrics", headers=AUTH)).status_code == 404
    assert (await client.get("/healthz")).status_code == 200  # the health check needs no switch


@pytest.mark.parametrize("config", [{}], indirect=True)
async def test_off_the_request_middleware_is_not_installed(app):
    from fediart.ops.middleware import RequestMetricsMiddleware

    assert RequestMetricsMiddleware not in [m.cls for m in app.user_middleware]


async def test_a_token_is_required_when_one_is_set(client):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                    {"Authorization": f"Bearer {TOKEN}x"}):
        response = await client.get("/metrics", headers=headers)
        assert response.status_code == 401, headers
        assert "fediart_" not in response.text
    assert (await client.get("/metrics", headers=AUTH)).status_code == 200


@pytest.mark.parametrize("config", [{"metrics": True}], indirect=True)
async def test_without_a_token_the_metrics_are_open(client):
    response = await client.get("/metrics")
    assert response.status_code == 200 and "fediart_deliveries" in response.text


async def test_queue_depths_are_read_from_the_database_at_scrape_time(client, services, network, make_artist):
    ana = await make_artist("ana")
    for index in range(6):
        await add_follower(services, network, ana, f"f{index}", host=f"h{index}.example")
    _, deliveries = await publish(services, ana)
    later = utcnow() + timedelta(hours=1)
    async with services.sessions() as session:
        await session.exec(update(Delivery).where(Delivery.id == deliveries[0].id).values(retry_at=later))
        await session.exec(update(Delivery).where(Delivery.id == deliveries[3].id).values(state="sent"))
        await session.exec(update(Delivery).where(Delivery.id.in_([deliveries[4].id, deliveries[5].id]))
                           .values(state="gave_up"))
        for index, state in enumerate(["pending", "pending", "done", "failed"]):
            session.add(InboxItem(activity_uri=f"https://x.example/a/{index}", activity_type="Like",
                                  actor_uri="https://x.example/u", body="{}", state=state))
        await session.commit()

    families = await scrape(client)
    assert value(families, "fediart_queue_read_ok") == 1
    assert {state: value(families, "fediart_deliveries", state=state) for state in ("pending", "sent", "gave_up")} \
        == {"pending": 3, "sent": 1, "gave_up": 2}
    assert value(families, "fediart_deliveries_due") == 2  # the third pending one waits an hour
    assert {state: value(families, "fediart_inbox_items", state=state) for state in ("pending", "done", "failed")} \
        == {"pending": 2, "done": 1, "failed": 1}
    assert value(families, "fediart_inbox_items_due") == 2

    async with services.sessions() as session:  # read again at the next scrape, not remembered
        await session.exec(update(Delivery).values(state="sent"))
        await session.commit()
    families = await scrape(client)
    assert value(families, "fediart_deliveries", state="sent") == 6
    assert value(families, "fediart_deliveries", state="pending") == 0  # an empty state shows as zero
    assert value(families, "fediart_deliveries_due") == 0


async def test_the_job_table_kinds_have_their_own_gauges(client, services):
    async with services.sessions() as session:
        await enqueue(session, JobKind.PRUNING)
        later = await enqueue(session, JobKind.SEVERING)
        failed = await enqueue(session, JobKind.MEDIA_MIGRATION, {"to": "s3"})
        await session.exec(update(Job).where(Job.id == later).values(retry_at=utcnow() + timedelta(hours=1)))
        await session.exec(update(Job).where(Job.id == failed).values(state="failed"))
        await session.commit()
    families = await scrape(client)
    assert value(families, "fediart_jobs", kind="pruning", state="pending") == 1
    assert value(families, "fediart_jobs", kind="severing", state="pending") == 1
    assert value(families, "fediart_jobs", kind="media_migration", state="failed") == 1
    assert value(families, "fediart_jobs", kind="blocklist_refresh", state="done") == 0  # every kind, every state
    assert {s.labels["kind"] for f in families for s in f.samples if s.name == "fediart_jobs"} \
        == {"pruning", "severing", "media_migration", "blocklist_refresh"}  # deliveries and inbox keep their own
    assert value(families, "fediart_jobs_due", kind="pruning") == 1
    assert value(families, "fediart_jobs_due", kind="severing") == 0  # waits an hour
    assert value(families, "fediart_deliveries", state="pending") == 0  # the old gauges are still there


async def test_delivery_outcomes_are_counted_after_real_deliveries(client, services, network, make_artist):
    ana = await make_artist("ana")
    ok = await add_follower(services, network, ana, "ok", host="ok.example")
    flaky = await add_follower(services, network, ana, "flaky", host="flaky.example")
    refusing = await add_follower(services, network, ana, "refusing", host="refusing.example")
    network.inbox_status[flaky.inbox] = 503
    network.inbox_status[refusing.inbox] = 403
    before = await scrape(client)
    await publish(services, ana)
    assert await run_due_work(services) == 3
    assert sorted(r.url for r in network.received) == sorted([ok.inbox, flaky.inbox, refusing.inbox])
    after = await scrape(client)

    def moved(outcome: str) -> float:
        name = "fediart_delivery_attempts_total"
        return value(after, name, outcome=outcome) - value(before, name, outcome=outcome)

    assert (moved("delivered"), moved("retry"), moved("gave_up")) == (1, 1, 1)


async def test_inbox_activities_are_counted_by_type_with_unknown_types_bucketed(client, network):
    bob = network.add_actor("bob")
    before = await scrape(client)
    like = activity(bob, "Like", "https://art.example/users/ana/statuses/1")
    for sent in (like, like, activity(bob, "Wobble", "x"), activity(bob, "Zzz-made-up", "y")):
        assert (await post_activity(client, bob, sent)).status_code == 202
    after = await scrape(client)
    name = "fediart_inbox_activities_received_total"
    assert value(after, name, type="Like") - value(before, name, type="Like") == 1  # the repeat is not counted
    assert value(after, name, type="other") - value(before, name, type="other") == 2
    assert not any(s.labels.get("type") in ("Wobble", "Zzz-made-up") for f in after for s in f.samples)


async def test_requests_are_labelled_by_route_template_not_by_path(client, make_artist):
    await make_artist("alice")
    await make_artist("bob")
    before = await scrape(client)
    assert (await client.get("/@alice")).status_code == 200
    assert (await client.get("/@bob")).status_code == 200
    assert (await client.get("/@nobody")).status_code == 404
    assert (await client.get("/no/such/page")).status_code == 404
    assert (await client.request("BREW", "/@alice")).status_code == 405
    actor = await client.get("/users/alice", headers={"Accept": "application/activity+json"})
    assert actor.status_code in (200, 401)  # the same endpoint as /@{username}; authorized fetch may ask for a signature
    after = await scrape(client)

    def moved(name: str, **labels) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("fediart_http_request_duration_seconds_count", route="/@{username}") == 4
    assert moved("fediart_http_requests_total", route="/@{username}", method="GET", status="2xx") == 2
    assert moved("fediart_http_requests_total", route="/@{username}", method="GET", status="4xx") == 1
    assert moved("fediart_http_requests_total", route="unmatched", status="4xx") == 1
    assert moved("fediart_http_request_duration_seconds_count", route="/users/{username}") == 1
    assert moved("fediart_http_requests_total", route="/@{username}", method="other", status="4xx") == 1
    assert not any(s.labels.get("method") == "BREW" for f in after for s in f.samples)
    routes = {s.labels.get("route") for f in after for s in f.samples if "route" in s.labels}
    assert not routes & {"/@alice", "/@bob", "/@nobody", "/no/such/page"}
    assert "/metrics" in routes  # the scrape before was counted too


async def test_a_database_that_does_not_answer_leaves_the_counters_and_says_so(tmp_path):
    import httpx
    from test_ops_health import free_port

    from fediart.app import create_app

    nobody = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/test"
    config = make_config({"url": nobody}, tmp_path, server={"metrics": True})
    app = create_app(config, run_worker=False)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=config.base_url) as http:
            response = await http.get("/metrics")
    finally:
        await app.state.services.engine.dispose()
    assert response.status_code == 200
    families = list(text_string_to_metric_families(response.text))
    assert value(families, "fediart_queue_read_ok") == 0
    assert not any(f.name == "fediart_deliveries" for f in families)
    assert any(f.name == "fediart_delivery_attempts" for f in families)
