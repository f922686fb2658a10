"""The admin's domain blocks: add or change one, remove, list, show which rule covers a host, import a
list and export the rules. The CLI calls these (and a future admin API would).

Every change that makes a rule a suspension, or raises one to it, leaves severed_at empty so that the
worker carries out the suspension's side effects. After each change every process rereads the rules:
a DomainPolicy passed in forgets them (and tells the others); without one (the CLI) the others are told.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, update
from sqlmodel import col, select

from fediart.actions.errors import ActionError, NotFound
from fediart.coherence import Message, Kind, announce
from fediart.policy.blocklists import DEFAULT_LIMIT, BlocklistError, Entry, Parsed, parse, serialise
from fediart.policy.hosts import BadDomain, normalise_domain, suffixes
from fediart.policy.import_plan import FIELDS, Plan, describe_fields, differences, plan_import
from fediart.store.policy_tables import BlocklistSubscription, DomainBlock
from fediart.store.states import DomainSeverity
from fediart.store.tables import utcnow

BATCH = 1000  # rows per INSERT: progress moves, and each statement stays well under parameter limits

Progress = Callable[[int, int], None]  # (rows done, rows in all)


@dataclass
class BlockOptions:
    """What `block add` sets; None leaves a field as it is (or at its default for a new rule)."""

    severity: str | None = None
    reject_media: bool | None = None
    reject_reports: bool | None = None
    obfuscate: bool | None = None
    public_comment: str | None = None
    private_comment: str | None = None


@dataclass
class BlockResult:
    rule: DomainBlock
    created: bool
    changed: list[str] = field(default_factory=list)  # "severity: silence → suspend", …


@dataclass
class Covering:
    """The rule that decides for a host: its own, or a parent domain's; None when no rule covers it."""

    host: str
    rule: DomainBlock | None
    source: str | None  # the subscription URL, None for a rule the admin made

    @property
    def inherited(self) -> bool:
        return self.rule is not None and self.rule.domain != self.host


@dataclass
class ImportResult:
    parsed: Parsed
    plan: Plan
    applied: bool


def domain_or_error(text: str) -> str:
    try:
        return normalise_domain(text)
    except BadDomain as exc:
        raise ActionError(str(exc)) from None


def entry_of(row: DomainBlock) -> Entry:
    return Entry(row.domain, DomainSeverity(row.severity), row.reject_media, row.reject_reports, row.obfuscate,
                 row.public_comment)


def forget_rules(sessions, policy) -> None:
    """After a committed change to the rules: every process rereads them at its next check."""
    if policy is not None:
        policy.forget()  # here, and it tells the others
    else:
        announce(sessions, Message(Kind.POLICY))


async def _sources(session) -> dict[int, str]:
    return dict((await session.exec(select(BlocklistSubscription.id, BlocklistSubscription.url))).all())


async def add_block(sessions, domain_text: str, options: BlockOptions, *, policy=None) -> BlockResult:
    """Create the rule for a domain, or change the existing one (which then belongs to the admin)."""
    domain = domain_or_error(domain_text)
    if options.severity is not None and options.severity not in set(DomainSeverity):
        raise ActionError(f"severity must be suspend, silence or noop, not {options.severity!r}")
    async with sessions() as session:
        rule = await session.get(DomainBlock, domain)
        created = rule is None
        if created:
            rule = DomainBlock(domain=domain)
        before, old_private = entry_of(rule), rule.private_comment
        for name in (*FIELDS, "private_comment"):
            value = getattr(options, name)
            if value is not None:
                setattr(rule, name, value)
        changed = [describe_fields([change]) for change in differences(before, entry_of(rule))]
        if not created and options.private_comment is not None and options.private_comment != old_private:
            changed.append("private comment")
        if not created and rule.subscription_id is not None:
            # The admin's own word now: a subscription's refresh no longer changes or retracts it.
            source = (await _sources(session)).get(rule.subscription_id, "a subscription")
            changed.append(f"source: {source} → manual")
            rule.subscription_id = None
        if rule.severity == DomainSeverity.SUSPEND and (created or before.severity != DomainSeverity.SUSPEND):
            rule.severed_at = None  # the worker severs follows and removes content
        if created or changed:
            rule.updated_at = utcnow()
            session.add(rule)
            await session.commit()
            await session.refresh(rule)
    forget_rules(sessions, policy)
    return BlockResult(rule, created, changed)


async def remove_block(sessions, domain_text: str, *, policy=None) -> tuple[DomainBlock, str | None]:
    """Delete the rule for exactly this domain; returns it and the subscription it came from, if any."""
    domain = domain_or_error(domain_text)
    async with sessions() as session:
        rule = await session.get(DomainBlock, domain)
        if rule is None:
            covering = await _covering(session, domain)
            hint = f"; it is covered by the rule for {covering.domain}" if covering else ""
            raise NotFound(f"no rule for {domain}{hint}")
        source = (await _sources(session)).get(rule.subscription_id) if rule.subscription_id else None
        await session.delete(rule)
        await session.commit()
    forget_rules(sessions, policy)
    return rule, source


async def list_blocks(sessions) -> list[tuple[DomainBlock, str | None]]:
    """Every rule, by domain, with the subscription URL it came from (None: the admin's)."""
    async with sessions() as session:
        sources = await _sources(session)
        rules = (await session.exec(select(DomainBlock).order_by(DomainBlock.domain))).all()
    return [(rule, sources.get(rule.subscription_id) if rule.subscription_id else None) for rule in rules]


async def _covering(session, host: str) -> DomainBlock | None:
    candidates = suffixes(host)
    rows = (await session.exec(select(DomainBlock).where(col(DomainBlock.domain).in_(candidates)))).all()
    by_domain = {row.domain: row for row in rows}
    return next((by_domain[name] for name in candidates if name in by_domain), None)  # the longest wins


async def show_block(sessions, host_text: str) -> Covering:
    """The rule deciding for a host: its own or the longest parent domain's."""
    host = domain_or_error(host_text)
    async with sessions() as session:
        rule = await _covering(session, host)
        source = (await _sources(session)).get(rule.subscription_id) if rule and rule.subscription_id else None
    return Covering(host, rule, source)


async def export_blocks(sessions, fmt: str) -> tuple[str, int]:
    """Every rule as a file in `fmt` (csv, plain, json), and how many rules it holds."""
    rules = [rule for rule, _ in await list_blocks(sessions)]
    return serialise([entry_of(rule) for rule in rules], fmt), len(rules)


async def import_blocks(sessions, text: str, *, fmt: str = "auto", overwrite: bool = False, dry_run: bool = False,
                        limit: int = DEFAULT_LIMIT, source: str = "a file", progress: Progress | None = None,
                        policy=None) -> ImportResult:
    """Parse a list and apply it in one transaction (or only plan it, for a dry run).

    New rules get a private comment naming the source, as Mastodon's import writes. Existing rules stay
    as they are unless `overwrite`; a rule overwritten by an import belongs to the admin from then on.
    """
    try:
        parsed = parse(text, fmt, limit=limit)
    except BlocklistError as exc:
        raise ActionError(f"{source}: {exc}; nothing was imported") from None
    async with sessions() as session:
        current = {row.domain: entry_of(row) for row in (await session.exec(select(DomainBlock))).all()}
        plan = plan_import(current, parsed.entries, overwrite=overwrite)
        if dry_run or plan.empty:
            return ImportResult(parsed, plan, applied=False)
        now = utcnow()
        note = f"imported from {source} on {now:%Y-%m-%d}"
        total, done = len(plan.added) + len(plan.changed), 0
        for start in range(0, len(plan.added), BATCH):
            batch = plan.added[start:start + BATCH]
            await session.exec(insert(DomainBlock), params=[_row(entry, note, now) for entry in batch])
            done += len(batch)
            if progress:
                progress(done, total)
        if plan.changed:
            await session.exec(update(DomainBlock), params=[_changed(change.entry, current[change.entry.domain], now)
                                                            for change in plan.changed])
            done += len(plan.changed)
            if progress:
                progress(done, total)
        await session.commit()
    forget_rules(sessions, policy)
    return ImportResult(parsed, plan, applied=True)


def _row(entry: Entry, note: str, now: datetime) -> dict:
    return {"domain": entry.domain, "severity": str(entry.severity), "reject_media": entry.reject_media,
            "reject_reports": entry.reject_reports, "obfuscate": entry.obfuscate,
            "public_comment": entry.public_comment, "private_comment": note, "subscription_id": None,
            "severed_at": None, "created_at": now, "updated_at": now}


def _changed(entry: Entry, before: Entry, now: datetime) -> dict:
    values = {name: getattr(entry, name) for name in FIELDS}
    values.update(domain=entry.domain, severity=str(entry.severity), subscription_id=None, updated_at=now)
    if entry.severity == DomainSeverity.SUSPEND and before.severity != DomainSeverity.SUSPEND:
        values["severed_at"] = None
    return values
