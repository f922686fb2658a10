"""Subscribed blocklists (fediart/actions/blocklist_subscriptions.py): served by the fake network, applied
as domain blocks, kept through failed downloads, retracted, owned by priority, refreshed by the worker."""

import asyncio
from datetime import timedelta

import httpx
import pytest
from inbox.activities import rows

from fediart.actions import blocklist_subscriptions as subs
from fediart.actions import blocklist_download
from fediart.actions.domain_blocks import BlockOptions, add_block
from fediart.actions.errors import ActionError
from fediart.policy.blocklists import CSV_HEADER
from fediart.store.policy_tables import BlocklistSubscription, DomainBlock
from fediart.store.tables import utcnow
from fediart.worker import Worker

HEADER = ",".join(CSV_HEADER)
LIST = "https://lists.example/fediblock.csv"
OTHER = "https://other.example/list.txt"


def serve(network, url: str, text: str, status: int = 200) -> None:
    network.responses[url] = lambda request: httpx.Response(status, text=text, headers={"content-type": "text/csv"})


def csv_list(*rows_: str) -> str:
    return HEADER + "\n" + "".join(f"{row}\n" for row in rows_)


async def rules(services) -> dict[str, tuple]:
    """domain -> (severity, owning subscription URL or "manual", public comment)."""
    urls = {s.id: s.url for s in await rows(services, BlocklistSubscription)}
    return {r.domain: (r.severity, urls.get(r.subscription_id, "manual"), r.public_comment)
            for r in await rows(services, DomainBlock)}


async def test_subscribing_applies_suspensions_only_and_never_touches_a_manual_rule(services, network):
    await add_block(services.sessions, "mine.example", BlockOptions(severity="silence", public_comment="my call"))
    serve(network, LIST, csv_list("spam.example,suspend,false,false,spam,false",
                                  "quiet.example,silence,false,false,,false",
                                  "mine.example,suspend,false,false,theirs,false"))
    refreshed, reconciled = await subs.subscribe(services, LIST, priority=10)
    sub = refreshed.subscription
    assert refreshed.error is None and (sub.format, sub.entries, sub.last_error) == ("csv", 3, "")
    assert sub.last_success_at is not None
    assert str(reconciled) == "1 rule(s) added, 0 changed, 0 retracted"
    assert await rules(services) == {"spam.example": ("suspend", LIST, "spam"),
                                     "mine.example": ("silence", "manual", "my call")}
    [spam] = [r for r in await rows(services, DomainBlock) if r.domain == "spam.example"]
    assert spam.severed_at is None and spam.private_comment == f"from the blocklist {LIST}"


async def test_all_severities_takes_silences_too(services, network):
    serve(network, LIST, csv_list("spam.example,suspend", "quiet.example,silence,true"))
    await subs.subscribe(services, LIST, all_severities=True)
    assert {d: r[0] for d, r in (await rules(services)).items()} == {"spam.example": "suspend",
                                                                     "quiet.example": "silence"}


async def test_a_refresh_adds_changes_and_retracts(services, network):
    serve(network, LIST, csv_list("spam.example,suspend,false,false,old,false", "gone.example,suspend"))
    await subs.subscribe(services, LIST)
    serve(network, LIST, csv_list("spam.example,suspend,true,false,new,false", "fresh.example,suspend"))
    [result], reconciled = await subs.refresh_one(services, LIST)
    assert result.error is None
    assert str(reconciled) == "1 rule(s) added, 1 changed, 1 retracted"
    assert await rules(services) == {"spam.example": ("suspend", LIST, "new"), "fresh.example": ("suspend", LIST, "")}


async def test_a_failed_or_malformed_download_keeps_the_last_good_copy_and_its_rules(services, network):
    serve(network, LIST, csv_list("spam.example,suspend"))
    await subs.subscribe(services, LIST)
    network.down.add("lists.example")
    [result], reconciled = await subs.refresh(services)
    assert "ConnectError" in result.error and str(reconciled) == "0 rule(s) added, 0 changed, 0 retracted"
    network.down.clear()
    serve(network, LIST, csv_list("spam.example,suspend", "b@d,suspend"))
    [result], _ = await subs.refresh(services)
    assert result.error == "line 3: not a bare domain name: 'b@d'"
    serve(network, LIST, "", status=503)
    [result], _ = await subs.refresh(services)
    assert result.error == f"{LIST}: HTTP 503"
    [sub] = await rows(services, BlocklistSubscription)
    assert (sub.last_error, sub.entries, sub.last_good) == (f"{LIST}: HTTP 503", 1, csv_list("spam.example,suspend"))
    assert sub.last_fetched_at >= sub.last_success_at
    assert await rules(services) == {"spam.example": ("suspend", LIST, "")}


async def test_the_higher_priority_list_owns_a_domain_and_hands_it_over_when_it_goes(services, network):
    serve(network, LIST, csv_list("both.example,suspend,false,false,from the first,false", "first.example,suspend"))
    serve(network, OTHER, "both.example\nsecond.example\n")
    await subs.subscribe(services, LIST, priority=5)
    await subs.subscribe(services, OTHER, priority=200)
    assert await rules(services) == {"both.example": ("suspend", OTHER, ""), "first.example": ("suspend", LIST, ""),
                                     "second.example": ("suspend", OTHER, "")}
    sub, count, reconciled = await subs.unsubscribe(services, OTHER)
    assert (sub.url, count, str(reconciled)) == (OTHER, 2, "1 rule(s) added, 0 changed, 0 retracted")
    assert await rules(services) == {"both.example": ("suspend", LIST, "from the first"),
                                     "first.example": ("suspend", LIST, "")}


async def test_unsubscribe_keep_rules_leaves_them_as_the_admins(services, network):
    serve(network, LIST, csv_list("spam.example,suspend"))
    refreshed, _ = await subs.subscribe(services, LIST)
    await subs.unsubscribe(services, str(refreshed.subscription.id), keep_rules=True)
    assert await rules(services) == {"spam.example": ("suspend", "manual", "")}
    assert await rows(services, BlocklistSubscription) == []


async def test_a_rule_the_admin_edits_is_theirs_and_the_list_no_longer_retracts_it(services, network):
    serve(network, LIST, csv_list("spam.example,suspend"))
    await subs.subscribe(services, LIST)
    result = await add_block(services.sessions, "spam.example", BlockOptions(reject_media=True))
    assert result.changed == ["reject_media: no → yes", f"source: {LIST} → manual"]
    serve(network, LIST, csv_list("other.example,suspend"))
    await subs.refresh(services)
    assert await rules(services) == {"spam.example": ("suspend", "manual", ""), "other.example": ("suspend", LIST, "")}


async def test_subscribe_without_a_format_needs_the_list_now(services, network):
    network.down.add("lists.example")
    with pytest.raises(ActionError, match="nothing was subscribed"):
        await subs.subscribe(services, LIST)
    assert await rows(services, BlocklistSubscription) == []
    refreshed, _ = await subs.subscribe(services, LIST, fmt="csv")
    assert "ConnectError" in refreshed.error and refreshed.subscription.last_good is None
    with pytest.raises(ActionError, match="already subscribed"):
        await subs.subscribe(services, LIST, fmt="csv")
    for url, message in (("http://127.0.0.1/list.csv", "not allowed"), ("ftp://lists.example/x", "scheme ftp")):
        with pytest.raises(ActionError, match=message):
            await subs.subscribe(services, url, fmt="csv")


async def test_an_oversized_list_is_refused_and_the_old_copy_stays(services, network, monkeypatch):
    monkeypatch.setattr(blocklist_download, "MAX_LIST_BYTES", 1000)
    serve(network, LIST, "spam.example\n")
    await subs.subscribe(services, LIST)
    big = "".join(f"host{i}.example\n" for i in range(100)).encode()  # 1,490 bytes
    network.responses[LIST] = lambda request: httpx.Response(200, stream=httpx.ByteStream(big))  # no length given
    [result], _ = await subs.refresh(services)
    assert result.error == f"{LIST}: the list is over the 1,000-byte limit"
    network.responses[LIST] = lambda request: httpx.Response(200, content=big)  # its length declared
    [result], _ = await subs.refresh(services)
    assert result.error == f"{LIST}: the list is 1,490 bytes; the limit is 1,000"
    assert await rules(services) == {"spam.example": ("suspend", LIST, "")}


async def test_only_due_lists_are_refreshed(services, network):
    serve(network, LIST, csv_list("spam.example,suspend"))
    refreshed, _ = await subs.subscribe(services, LIST)
    assert await subs.refresh_due(services) is None  # fetched a moment ago
    async with services.sessions() as session:
        row = await session.get(BlocklistSubscription, refreshed.subscription.id)
        row.last_fetched_at = utcnow() - timedelta(hours=25)
        session.add(row)
        await session.commit()
    serve(network, LIST, csv_list("spam.example,suspend", "new.example,suspend"))
    results, reconciled = await subs.refresh_due(services)
    assert [r.subscription.url for r in results] == [LIST] and reconciled.added == 1


async def test_the_worker_refreshes_a_due_subscription(services, network):
    serve(network, LIST, "spam.example\n")
    async with services.sessions() as session:  # never fetched: due at once
        session.add(BlocklistSubscription(url=LIST, format="plain"))
        await session.commit()
    stop = asyncio.Event()
    task = asyncio.create_task(Worker(services).run(stop))
    try:
        for _ in range(200):
            if await rules(services):
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)
    assert await rules(services) == {"spam.example": ("suspend", LIST, "")}


async def test_a_list_raising_an_entry_to_suspend_leaves_the_severing_to_the_worker(services, network):
    serve(network, LIST, csv_list("quiet.example,silence", "other.example,silence"))
    await subs.subscribe(services, LIST, all_severities=True)
    async with services.sessions() as session:  # as if both had been severed before
        for domain in ("quiet.example", "other.example"):
            row = await session.get(DomainBlock, domain)
            row.severed_at = utcnow()
            session.add(row)
        await session.commit()
    serve(network, LIST, csv_list("quiet.example,suspend", "other.example,noop"))
    await subs.refresh(services)
    severed = {r.domain: (r.severity, r.severed_at is None) for r in await rows(services, DomainBlock)}
    assert severed == {"quiet.example": ("suspend", True), "other.example": ("noop", False)}
