"""`fediart block …` and `fediart allow …`: the admin's domain rules, shared lists and subscriptions.

Parsing and printing only; the work is in fediart/actions/domain_blocks.py, domain_allows.py and
blocklist_subscriptions.py. Everything that came from elsewhere (comments, list URLs, errors) is
printed through terminal_safe.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fediart.actions import blocklist_subscriptions as subscriptions
from fediart.actions.blocklist_download import DownloadError, download_list
from fediart.actions.domain_allows import add_allow, list_allows, remove_allow
from fediart.actions.domain_blocks import (BlockOptions, add_block, export_blocks, import_blocks, list_blocks,
                                          remove_block, show_block)
from fediart.actions.errors import ActionError
from fediart.commands import CliError, CommandContext, add_parser
from fediart.commands.progress import ProgressBar
from fediart.policy.blocklists import DEFAULT_LIMIT
from fediart.policy.import_plan import render_plan
from fediart.services import running_services
from fediart.store.states import FederationMode
from fediart.text import terminal_safe


def say(text: object = "", *, file=None) -> None:
    print(terminal_safe(text), file=file or sys.stdout)


def _flags(rule) -> str:
    names = [label for label, on in (("reject-media", rule.reject_media), ("reject-reports", rule.reject_reports),
                                     ("obfuscate", rule.obfuscate)) if on]
    return ",".join(names) or "-"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    rows = [tuple(terminal_safe(cell) for cell in row) for row in rows]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        print("  ".join(f"{cell:<{widths[i]}}" for i, cell in enumerate(row[:-1])) + "  " + row[-1])


async def _action(coroutine):
    try:
        return await coroutine
    except ActionError as exc:
        raise CliError(exc.message) from None


async def add(ctx: CommandContext, args: argparse.Namespace) -> int:
    options = BlockOptions(severity=args.severity, reject_media=args.reject_media, reject_reports=args.reject_reports,
                           obfuscate=args.obfuscate, public_comment=args.public_comment,
                           private_comment=args.private_comment)
    result = await _action(add_block(ctx.sessions, args.domain, options))
    rule = result.rule
    if result.created:
        say(f"blocked {rule.domain}: {rule.severity}, flags {_flags(rule)} (covers its subdomains too)")
    elif result.changed:
        say(f"updated the rule for {rule.domain}: " + "; ".join(result.changed))
    else:
        say(f"the rule for {rule.domain} is already so; nothing changed")
    return 0


async def remove(ctx: CommandContext, args: argparse.Namespace) -> int:
    rule, source = await _action(remove_block(ctx.sessions, args.domain))
    say(f"removed the rule for {rule.domain} ({rule.severity})")
    if source:
        say(f"it came from the subscribed list {source}, which adds it again at its next refresh "
            "while the list names it")
    return 0


async def list_(ctx: CommandContext, args: argparse.Namespace) -> int:
    rules = await list_blocks(ctx.sessions)
    if not rules:
        say("no domain blocks; add one with `fediart block add DOMAIN`")
        return 0
    _table(("DOMAIN", "SEVERITY", "FLAGS", "SOURCE", "COMMENT"),
           [(r.domain, r.severity, _flags(r), source or "manual", r.public_comment[:60]) for r, source in rules])
    return 0


async def show(ctx: CommandContext, args: argparse.Namespace) -> int:
    found = await _action(show_block(ctx.sessions, args.domain))
    rule = found.rule
    if rule is None:
        say(f"no rule covers {found.host}")
        return 0
    if found.inherited:
        say(f"{found.host} is covered by the rule for {rule.domain}")
    rows = [("domain", rule.domain), ("severity", rule.severity), ("flags", _flags(rule)),
            ("source", found.source or "manual"), ("public comment", rule.public_comment or "-"),
            ("private comment", rule.private_comment or "-"), ("created", f"{rule.created_at:%Y-%m-%d %H:%M}"),
            ("updated", f"{rule.updated_at:%Y-%m-%d %H:%M}")]
    for key, value in rows:
        say(f"  {key:<16} {value}")
    return 0


async def export(ctx: CommandContext, args: argparse.Namespace) -> int:
    text, count = await export_blocks(ctx.sessions, args.format)
    if args.file in (None, "-"):
        sys.stdout.write(text)
        say(f"exported {count} rule(s)", file=sys.stderr)
    else:
        Path(args.file).write_text(text, encoding="utf-8")
        say(f"exported {count} rule(s) to {args.file}")
    return 0


async def _read_source(ctx: CommandContext, source: str) -> str:
    if source.startswith(("http://", "https://")):
        async with running_services(ctx.config) as services:
            try:
                return await download_list(services.http, source, ctx.config)
            except DownloadError as exc:
                raise CliError(f"{exc}; nothing was imported") from None
    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {source}: {exc.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise CliError(f"{source} is not UTF-8 text; nothing was imported") from None


async def import_(ctx: CommandContext, args: argparse.Namespace) -> int:
    text = await _read_source(ctx, args.source)
    bar = ProgressBar("importing")
    try:
        result = await _action(import_blocks(ctx.sessions, text, fmt=args.format, overwrite=args.overwrite,
                                             dry_run=args.dry_run, limit=args.limit, source=args.source,
                                             progress=bar))
    finally:
        bar.close()
    for note in result.parsed.notes:
        say(f"note: {note}")
    plan = result.plan
    if args.dry_run:
        for line in render_plan(plan):
            say(line)
    kept = f", {len(plan.kept)} kept as they are (--overwrite replaces them)" if plan.kept else ""
    verb = "would add" if args.dry_run else "added"
    say(f"{'dry run, nothing changed: ' if args.dry_run else ''}{len(result.parsed.entries)} entries from "
        f"{args.source}: {verb} {len(plan.added)}, {'would change' if args.dry_run else 'changed'} "
        f"{len(plan.changed)}, {plan.unchanged} unchanged{kept}")
    return 0


def _subscription_line(sub) -> str:
    return f"#{sub.id} {sub.url} ({sub.format}, priority {sub.priority}, " \
           f"{'all severities' if sub.all_severities else 'suspensions only'})"


def _outcomes(results, reconciled) -> None:
    for result in results:
        sub = result.subscription
        if result.error:
            kept = "its last good copy still applies" if sub.last_good is not None else "nothing applied yet"
            say(f"{sub.url}: download failed: {result.error} ({kept})")
        else:
            say(f"{sub.url}: {sub.entries} entries")
    say(f"rules: {reconciled}")


async def subscribe(ctx: CommandContext, args: argparse.Namespace) -> int:
    async with running_services(ctx.config) as services:
        result, reconciled = await _action(subscriptions.subscribe(
            services, args.url, fmt=args.format, priority=args.priority, all_severities=args.all_severities))
    say(f"subscribed: {_subscription_line(result.subscription)}")
    _outcomes([result], reconciled)
    return 0


async def unsubscribe(ctx: CommandContext, args: argparse.Namespace) -> int:
    async with running_services(ctx.config) as services:
        sub, count, reconciled = await _action(subscriptions.unsubscribe(services, args.which,
                                                                         keep_rules=args.keep_rules))
    what = "kept as manual rules" if args.keep_rules else "removed"
    say(f"unsubscribed from {sub.url}; its {count} rule(s) {what}")
    if reconciled.added or reconciled.changed:
        say(f"other lists took over: {reconciled}")
    return 0


async def refresh(ctx: CommandContext, args: argparse.Namespace) -> int:
    async with running_services(ctx.config) as services:
        if args.which:
            results, reconciled = await _action(subscriptions.refresh_one(services, args.which))
        else:
            results, reconciled = await subscriptions.refresh(services)
    if not results:
        say("no subscriptions; add one with `fediart block subscribe URL`")
        return 0
    _outcomes(results, reconciled)
    return 0


async def list_subscriptions(ctx: CommandContext, args: argparse.Namespace) -> int:
    subs = await subscriptions.list_subscriptions(ctx.sessions)
    if not subs:
        say("no subscriptions; add one with `fediart block subscribe URL`")
        return 0
    when = lambda moment: f"{moment:%Y-%m-%d %H:%M}" if moment else "never"  # noqa: E731
    _table(("ID", "FORMAT", "PRIORITY", "SEVERITIES", "ENTRIES", "LAST SUCCESS", "LAST ERROR", "URL"),
           [(str(s.id), s.format, str(s.priority), "all" if s.all_severities else "suspend", str(s.entries),
             when(s.last_success_at), (s.last_error[:50] or "-"), s.url) for s in subs])
    return 0


async def allow_add(ctx: CommandContext, args: argparse.Namespace) -> int:
    row, created, changed = await _action(add_allow(ctx.sessions, args.domain, public_comment=args.public_comment,
                                                    private_comment=args.private_comment))
    if created:
        say(f"allowed {row.domain} (and its subdomains)")
    else:
        say(f"{row.domain} was allowed already" + (f"; updated its {', '.join(changed)}" if changed else ""))
    _mode_note(ctx)
    return 0


async def allow_remove(ctx: CommandContext, args: argparse.Namespace) -> int:
    row = await _action(remove_allow(ctx.sessions, args.domain))
    say(f"removed {row.domain} from the allowlist")
    return 0


async def allow_list(ctx: CommandContext, args: argparse.Namespace) -> int:
    _mode_note(ctx)
    rows = await list_allows(ctx.sessions)
    if not rows:
        say("the allowlist is empty")
        return 0
    _table(("DOMAIN", "COMMENT"), [(row.domain, row.public_comment[:60]) for row in rows])
    return 0


def _mode_note(ctx: CommandContext) -> None:
    if ctx.config.federation.mode == FederationMode.ALLOWLIST:
        say("this server is in allowlist mode: it federates only with allowed servers")
    else:
        say('this server is in blocklist mode: the allowlist applies once [federation] mode = "allowlist"')


def register(sub) -> None:
    p = add_parser(sub, "block", "block or limit other servers; import, export and subscribe to blocklists")
    actions = p.add_subparsers(dest="block_command", required=True, metavar="ACTION")

    a = add_parser(actions, "add", "block a domain and its subdomains, or change its rule")
    a.add_argument("domain")
    a.add_argument("--severity", choices=["suspend", "silence", "noop"], default=None,
                   help="suspend (default for a new rule): nothing exchanged; silence: hidden from public views; "
                        "noop: only the flags")
    for flag in ("reject-media", "reject-reports", "obfuscate"):
        a.add_argument(f"--{flag}", action=argparse.BooleanOptionalAction, default=None)
    a.add_argument("--public-comment", default=None)
    a.add_argument("--private-comment", default=None)
    a.set_defaults(run=add)

    r = add_parser(actions, "remove", "remove the rule for a domain")
    r.add_argument("domain")
    r.set_defaults(run=remove)
    add_parser(actions, "list", "list the domain rules").set_defaults(run=list_)
    s = add_parser(actions, "show", "show the rule for a domain, or the rule covering a host")
    s.add_argument("domain")
    s.set_defaults(run=show)

    e = add_parser(actions, "export", "write the rules as Mastodon CSV, plain domains, or JSON")
    e.add_argument("file", nargs="?", help="file to write (default: standard output)")
    e.add_argument("--format", choices=["csv", "plain", "json"], default="csv")
    e.set_defaults(run=export)

    i = add_parser(actions, "import", "import a blocklist file or URL (Mastodon CSV, plain, or JSON)")
    i.add_argument("source", metavar="FILE|URL", help="a file, - for standard input, or an http(s) URL")
    i.add_argument("--format", choices=["auto", "csv", "plain", "json"], default="auto")
    i.add_argument("--dry-run", action="store_true", help="show what would change; change nothing")
    i.add_argument("--overwrite", action="store_true", help="replace existing rules the list disagrees with")
    i.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help=f"most entries accepted (default {DEFAULT_LIMIT})")
    i.set_defaults(run=import_)

    su = add_parser(actions, "subscribe", "follow a shared blocklist; the worker refreshes it on a schedule")
    su.add_argument("url")
    su.add_argument("--format", choices=["csv", "plain", "json"], default=None, help="default: told from the list")
    su.add_argument("--priority", type=int, default=0, help="0-255; the higher list owns a domain two lists name")
    su.add_argument("--all-severities", action="store_true", help="apply silence and noop entries too")
    su.set_defaults(run=subscribe)
    un = add_parser(actions, "unsubscribe", "stop following a blocklist and remove its rules")
    un.add_argument("which", metavar="URL|ID")
    un.add_argument("--keep-rules", action="store_true", help="keep its rules as manual ones")
    un.set_defaults(run=unsubscribe)
    rf = add_parser(actions, "refresh", "download subscribed blocklists now and apply them")
    rf.add_argument("which", nargs="?", metavar="URL|ID")
    rf.set_defaults(run=refresh)
    add_parser(actions, "subscriptions", "list subscribed blocklists").set_defaults(run=list_subscriptions)

    p = add_parser(sub, "allow", "the servers federated with in allowlist mode")
    actions = p.add_subparsers(dest="allow_command", required=True, metavar="ACTION")
    a = add_parser(actions, "add", "allow a domain and its subdomains")
    a.add_argument("domain")
    a.add_argument("--public-comment", default=None)
    a.add_argument("--private-comment", default=None)
    a.set_defaults(run=allow_add)
    r = add_parser(actions, "remove", "remove a domain from the allowlist")
    r.add_argument("domain")
    r.set_defaults(run=allow_remove)
    add_parser(actions, "list", "list allowed domains, and say whether allowlist mode is on").set_defaults(run=allow_list)
