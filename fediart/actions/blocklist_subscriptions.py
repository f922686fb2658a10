"""Subscribed blocklists: downloaded on a schedule, their entries kept in step as domain blocks.

After any refresh or unsubscribe, the rules that came from lists are reconciled with every list's
last good copy at once: a list's entry becomes a rule unless the admin has a rule for that domain
(never touched), the higher-priority list owns a domain two lists name, and a rule whose list no
longer names it is retracted. Only suspend-level entries apply unless the subscription takes all
severities (as GoToSocial does). A failed download keeps the last good copy, so its rules stay.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import insert, or_, update
from sqlmodel import col, delete, select

from fediart.actions.blocklist_download import DownloadError, download_list
from fediart.actions.domain_blocks import entry_of
from fediart.actions.errors import ActionError, NotFound
from fediart.activitypub.http_client import check_url
from fediart.policy.blocklists import BlocklistError, Entry, detect_format, parse
from fediart.policy.import_plan import FIELDS
from fediart.store.policy_tables import BlocklistSubscription, DomainBlock
from fediart.store.states import BlocklistFormat, DomainSeverity
from fediart.store.tables import utcnow

log = logging.getLogger("fediart.policy")

MAX_ENTRIES = 100_000  # per list; the largest shared lists hold a few tens of thousands


@dataclass
class Reconciled:
    """What a reconciliation did to the rules that came from lists."""

    added: int = 0
    changed: int = 0
    retracted: int = 0

    def __str__(self) -> str:
        return f"{self.added} rule(s) added, {self.changed} changed, {self.retracted} retracted"


@dataclass
class Refreshed:
    subscription: BlocklistSubscription
    error: str | None  # None: downloaded and parsed


async def find_subscription(session, which: str) -> BlocklistSubscription:
    """A subscription by its id or its URL, or NotFound."""
    query = select(BlocklistSubscription)
    query = query.where(BlocklistSubscription.id == int(which)) if which.isdigit() else \
        query.where(BlocklistSubscription.url == which)
    found = (await session.exec(query)).first()
    if found is None:
        raise NotFound(f"no subscription {which!r}; see `fediart block subscriptions`")
    return found


async def list_subscriptions(sessions) -> list[BlocklistSubscription]:
    async with sessions() as session:
        return list((await session.exec(select(BlocklistSubscription)
                                        .order_by(col(BlocklistSubscription.priority).desc(),
                                                  BlocklistSubscription.id))).all())


async def subscribe(services, url: str, *, fmt: str | None = None, priority: int = 0,
                    all_severities: bool = False) -> tuple[Refreshed, Reconciled]:
    """Subscribe to the list at `url` and apply it at once.

    Without a format the list must download now, so that its format can be told; with one, the
    subscription is kept even if the first download fails (the worker tries again).
    """
    problem = check_url(url, services.config)
    if problem:
        raise ActionError(f"{url}: {problem}")
    if not 0 <= priority <= 255:
        raise ActionError("priority must be between 0 and 255")
    async with services.sessions() as session:
        if (await session.exec(select(BlocklistSubscription.id).where(BlocklistSubscription.url == url))).first():
            raise ActionError(f"already subscribed to {url}", 409)
    text = None
    if fmt is None:
        try:
            text = await download_list(services.http, url, services.config)
        except DownloadError as exc:
            raise ActionError(f"{exc}; nothing was subscribed (give --format to subscribe anyway)") from None
        fmt = detect_format(text)
    subscription = BlocklistSubscription(url=url, format=str(BlocklistFormat(fmt)), priority=priority,
                                         all_severities=all_severities)
    async with services.sessions() as session:
        session.add(subscription)
        await session.commit()
        await session.refresh(subscription)
    results, reconciled = await refresh(services, [subscription], downloaded={subscription.id: text})
    return results[0], reconciled


async def unsubscribe(services, which: str, *, keep_rules: bool = False) -> tuple[BlocklistSubscription, int,
                                                                                    Reconciled]:
    """End a subscription; its rules are deleted, or kept as the admin's own with `keep_rules`.

    Returns the subscription, how many of its rules were removed or kept, and what handing its
    domains to other lists did.
    """
    async with services.sessions() as session:
        subscription = await find_subscription(session, which)
        owned = DomainBlock.subscription_id == subscription.id
        count = len((await session.exec(select(DomainBlock.domain).where(owned))).all())
        if keep_rules:
            await session.exec(update(DomainBlock).where(owned).values(subscription_id=None, updated_at=utcnow()))
        else:
            await session.exec(delete(DomainBlock).where(owned))
        await session.delete(subscription)
        reconciled = await _reconcile(session)  # another list may name the same domains
        await session.commit()
    _forget(services)
    return subscription, count, reconciled


async def refresh(services, subscriptions: list[BlocklistSubscription] | None = None, *,
                  downloaded: dict[int, str | None] | None = None) -> tuple[list[Refreshed], Reconciled]:
    """Download the given lists (all of them by default), record each outcome, then reconcile the rules."""
    if subscriptions is None:
        subscriptions = await list_subscriptions(services.sessions)
    results = [await _fetch(services, sub, (downloaded or {}).get(sub.id)) for sub in subscriptions]
    async with services.sessions() as session:
        reconciled = await _reconcile(session)
        await session.commit()
    _forget(services)
    return results, reconciled


async def refresh_one(services, which: str) -> tuple[list[Refreshed], Reconciled]:
    async with services.sessions() as session:
        subscription = await find_subscription(session, which)
    return await refresh(services, [subscription])


async def due_subscriptions(services) -> list[BlocklistSubscription]:
    """The lists not fetched for [federation] blocklist_refresh_hours (one small query)."""
    cutoff = utcnow() - timedelta(hours=services.config.federation.blocklist_refresh_hours)
    async with services.sessions() as session:
        return list((await session.exec(select(BlocklistSubscription).where(or_(
            col(BlocklistSubscription.last_fetched_at).is_(None),
            col(BlocklistSubscription.last_fetched_at) <= cutoff)))).all())


async def refresh_due(services) -> tuple[list[Refreshed], Reconciled] | None:
    """Refresh the lists not fetched for [federation] blocklist_refresh_hours; None when none is due.

    One small query when nothing is due, so the worker may ask every minute.
    """
    due = await due_subscriptions(services)
    if not due:
        return None
    results, reconciled = await refresh(services, due)
    for result in results:
        if result.error:
            log.warning("blocklist %s: %s (its last good copy still applies)", result.subscription.url, result.error)
    log.info("blocklists refreshed: %s", reconciled)
    return results, reconciled


async def _fetch(services, subscription: BlocklistSubscription, text: str | None) -> Refreshed:
    """Download and parse one list and record the outcome on its row; a failure keeps the last good copy."""
    error = None
    try:
        if text is None:
            text = await download_list(services.http, subscription.url, services.config)
        entries = len(parse(text, subscription.format, limit=MAX_ENTRIES).entries)
    except (DownloadError, BlocklistError) as exc:
        error = str(exc)[:1000]
    async with services.sessions() as session:
        row = await session.get(BlocklistSubscription, subscription.id)
        now = utcnow()
        row.last_fetched_at = now
        if error is None:
            row.last_good, row.entries, row.last_success_at, row.last_error = text, entries, now, ""
        else:
            row.last_error = error
        session.add(row)
        await session.commit()
        await session.refresh(row)
    return Refreshed(row, error)


def _wanted(subscriptions: list[BlocklistSubscription]) -> dict[str, tuple[int, Entry]]:
    """Domain -> (owning subscription, entry), from every list's last good copy, highest priority first."""
    wanted: dict[str, tuple[int, Entry]] = {}
    for sub in sorted(subscriptions, key=lambda s: (-s.priority, s.id)):
        if sub.last_good is None:
            continue
        try:
            entries = parse(sub.last_good, sub.format, limit=MAX_ENTRIES).entries
        except BlocklistError:  # stored only after parsing, so only a changed format gets here
            log.warning("blocklist %s: its last good copy no longer parses as %s", sub.url, sub.format)
            continue
        for entry in entries:
            if sub.all_severities or entry.severity == DomainSeverity.SUSPEND:
                wanted.setdefault(entry.domain, (sub.id, entry))
    return wanted


async def _reconcile(session) -> Reconciled:
    """Make the rules that came from lists match the lists; the admin's own rules are never touched."""
    subscriptions = list((await session.exec(select(BlocklistSubscription))).all())
    wanted = _wanted(subscriptions)
    urls = {sub.id: sub.url for sub in subscriptions}
    rules = {row.domain: row for row in (await session.exec(select(DomainBlock))).all()}
    now, done = utcnow(), Reconciled()

    retracted = [domain for domain, row in rules.items() if row.subscription_id is not None and domain not in wanted]
    for start in range(0, len(retracted), 1000):
        await session.exec(delete(DomainBlock).where(col(DomainBlock.domain).in_(retracted[start:start + 1000])))
    done.retracted = len(retracted)

    added, changed = [], []
    for domain, (owner, entry) in wanted.items():
        row = rules.get(domain)
        values = {name: getattr(entry, name) for name in FIELDS}
        values.update(domain=domain, severity=str(entry.severity), subscription_id=owner, updated_at=now)
        if row is None:
            added.append({**values, "private_comment": f"from the blocklist {urls[owner]}"[:1000],
                          "severed_at": None, "created_at": now})
        elif row.subscription_id is not None and (row.subscription_id != owner or entry_of(row) != entry):
            if entry.severity == DomainSeverity.SUSPEND and row.severity != DomainSeverity.SUSPEND:
                values["severed_at"] = None  # raised to a suspension: the worker severs
            changed.append(values)
    for start in range(0, len(added), 1000):
        await session.exec(insert(DomainBlock), params=added[start:start + 1000])
    if changed:
        await session.exec(update(DomainBlock), params=changed)
    done.added, done.changed = len(added), len(changed)
    return done


def _forget(services) -> None:
    if services.policy is not None:
        services.policy.forget()
