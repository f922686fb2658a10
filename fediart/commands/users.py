"""`fediart user create|update|list|show|block|mute`: artist accounts from the command line.

An account's role (artist or admin: admins open the studio's domain-block and report pages) is set with
`user create --admin` or `user update --role`; it is this server's business only, so nothing federates.
"""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys
from pathlib import Path

from fediart.actions.errors import ActionError
from fediart.actions.profile import ProfileChanges, update_profile
from fediart.auth.passwords import PasswordError, check_strength, set_password
from fediart.coherence import Message, announce
from fediart.commands import CliError, CommandContext, add_parser
from fediart.config import Config
from fediart.licence.for_account import account_licence
from fediart.services import running_services
from fediart.store.states import AccountRole
from fediart.store.accounts import AccountError, create_account, get_account, list_accounts
from fediart.store.tables import Account
from fediart.text import plain_to_html, terminal_safe
from fediart.urls import Urls


def _parse_fields(raw: list[str]) -> list[dict[str, str]]:
    fields = []
    for item in raw:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise CliError(f"--field must look like NAME=VALUE, not {item!r}")
        fields.append({"name": name.strip(), "value": value.strip()})
    if len(fields) > 4:
        raise CliError("at most 4 profile fields (Mastodon shows no more)")
    return fields


async def create(ctx: CommandContext, args: argparse.Namespace) -> int:
    config = ctx.config
    async with ctx.sessions() as session:
        if args.if_no_users and await list_accounts(session):
            print("an artist account exists already; nothing to do")
            return 0
        try:
            account = await create_account(
                session,
                args.name,
                display_name=args.display_name,
                summary=plain_to_html(args.bio) if args.bio else "",
                licence_key=args.licence or config.licence.default,
                ai_training_reserved=not args.allow_ai_training,
                generative_only=args.generative_only,
                search_indexing=args.allow_search_indexing,
                manually_approves_followers=args.manual_approval,
                fields=_parse_fields(args.field),
            )
        except AccountError as exc:
            raise CliError(str(exc)) from None
        if args.admin:
            account = await _set_role(session, account, AccountRole.ADMIN)
        # Like `tootctl accounts create`: a first account can sign in at once, with a password shown once.
        generated = secrets.token_urlsafe(12) if args.generate_password else None
        if generated:
            await set_password(session, account, generated)
    # Running servers may have cached "no such account" for this name.
    announce(ctx.sessions, Message.account(account.username))
    print(f"created @{account.username}@{config.domain}" + (" (admin)" if args.admin else ""))
    _print_account(config, account)
    if generated:
        print(f"password: {generated}  (shown once; sign in at {config.base_url}/login, "
              f"change it with `fediart user password {account.username}`)")
    return 0


async def list_(ctx: CommandContext, args: argparse.Namespace) -> int:
    config = ctx.config
    async with ctx.sessions() as session:
        accounts = await list_accounts(session)
    if not accounts:
        print("no artist accounts yet; create one with `fediart user create NAME`")
        return 0
    width = max(len(a.username) for a in accounts) + len(config.domain) + 2
    print(f"{'HANDLE':<{width + 1}}  {'ROLE':<6}  {'LICENCE':<22}  AI TRAINING")
    for a in accounts:
        licence = account_licence(a, Urls(config.base_url), config.domain)
        handle = f"@{a.username}@{config.domain}"
        print(f"{handle:<{width + 1}}  {a.role:<6}  {licence.name:<22}  "
              f"{'reserved' if licence.ai_training_reserved else 'allowed'}")
    return 0


async def show(ctx: CommandContext, args: argparse.Namespace) -> int:
    config = ctx.config
    async with ctx.sessions() as session:
        account = await get_account(session, args.name.lstrip("@"))
    if account is None or account.kind != "person":
        raise CliError(f"no user named {args.name!r}")
    _print_account(config, account)
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        # One line, as `docker login --password-stdin` reads it; the newline is not part of it.
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("New password: ")
    check_strength_or_fail(first)
    if getpass.getpass("Repeat the password: ") != first:
        raise CliError("the passwords do not match; nothing was changed")
    return first


def check_strength_or_fail(password: str) -> None:
    try:
        check_strength(password)
    except PasswordError as exc:
        raise CliError(f"{exc}; nothing was changed") from None


async def password(ctx: CommandContext, args: argparse.Namespace) -> int:
    """Set an artist's password for signing in on the web and in Mastodon apps."""
    async with ctx.sessions() as session:
        account = await get_account(session, args.name.lstrip("@").lower())
        if account is None or account.kind != "person":
            raise CliError(f"no user named {args.name!r}")
        secret = _read_password(args)
        check_strength_or_fail(secret)
        await set_password(session, account, secret)
    print(f"password set for @{account.username}@{ctx.config.domain}")
    return 0


def _print_account(config: Config, account) -> None:
    urls = Urls(config.base_url)
    licence = account_licence(account, urls, config.domain)
    rows = [
        ("handle", f"@{account.username}@{config.domain}"),
        ("display name", account.display_name),
        ("role", account.role),
        ("actor", urls.actor(account.username)),
        ("profile", urls.profile(account.username)),
        ("licence", f"{licence.name}" + (f" <{licence.url}>" if licence.url else "")),
        ("AI training", ("reserved (generative AI only)" if licence.generative_only else "reserved")
         if licence.ai_training_reserved else "allowed"),
        ("search indexing", "allowed" if licence.search_indexing else "not allowed"),
        ("Content-Usage", licence.content_usage),
        ("IPTC DataMining", licence.data_mining.rsplit("/", 1)[-1]),
        ("terms page", licence.usage_info_url),
        ("TDM policy", licence.tdm_policy_url),
        ("followers", "approved by hand" if account.manually_approves_followers else "accepted automatically"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"  {key:<{width}}  {terminal_safe(value)}")



async def update(ctx: CommandContext, args: argparse.Namespace) -> int:
    """Change profile or licence settings, store new images, and federate the change."""
    changes = _changes(args)
    async with running_services(ctx.config) as services:
        async with services.sessions() as session:
            account = await get_account(session, args.name.lstrip("@"))
        if account is None or account.kind != "person":
            raise CliError(f"no user named {args.name!r}")
        try:
            account, changed = await update_profile(services, account, changes)
        except ActionError as exc:
            raise CliError(exc.message) from None
        # After the profile: a refused profile change leaves the role as it was too.
        if args.role is not None and args.role != account.role:
            async with services.sessions() as session:
                account = await _set_role(session, account, AccountRole(args.role))
            changed = [f"role ({account.role})", *changed]
    if not changed and args.role is not None:
        print(f"@{account.username}@{ctx.config.domain} is already {account.role}")
        return 0
    if not changed:
        raise CliError("nothing to change; see `fediart user update --help`")
    print(f"updated @{account.username}@{ctx.config.domain}: {', '.join(changed)}")
    _print_account(ctx.config, account)
    return 0


async def _set_role(session, account: Account, role: AccountRole) -> Account:
    """Store the account's role (committed); the role stays on this server."""
    row = await session.get(Account, account.id)
    row.role = role
    session.add(row)
    await session.commit()
    await session.refresh(row)
    return row


def _changes(args: argparse.Namespace) -> ProfileChanges:
    """The options given, as the profile use case takes them (image files read here)."""
    changes = ProfileChanges(
        display_name=args.display_name,
        bio=args.bio,
        fields=_parse_fields(args.field) if args.field else None,
        licence_key=args.licence,
        ai_training_reserved=None if args.ai_training is None else args.ai_training == "reserved",
        indexable=None if args.search_indexing is None else args.search_indexing == "allowed",
        locked=None if args.approval is None else args.approval == "manual",
        hide_collections=None if args.collections is None else args.collections == "hidden",
    )
    changes.image_names = {}
    for option in ("avatar", "header"):
        path = getattr(args, option)
        if path:
            changes.image_names[option] = path
            try:
                setattr(changes, option, Path(path).read_bytes())
            except OSError as exc:
                raise CliError(f"cannot read {path}: {exc.strerror}") from None
    return changes


async def restrict(ctx: CommandContext, args: argparse.Namespace) -> int:
    """block, unblock, mute, unmute: the same functions as the client API's /accounts/:id/<verb>."""
    from fediart.actions import restrictions
    from fediart.actions.accounts import find_actor, handle_of

    async with running_services(ctx.config) as services:
        async with services.sessions() as session:
            account = await get_account(session, args.name.lstrip("@"))
        if account is None or account.kind != "person":
            raise CliError(f"no artist named {args.name}")
        try:
            actor = await find_actor(services, args.who, fetch=True)
            result = await getattr(restrictions, args.user_command)(services, account, actor)
        except ActionError as exc:
            raise CliError(f"cannot {args.user_command} {args.who}: {exc.message}") from None
    done = {"block": "blocks", "unblock": "no longer blocks", "mute": "mutes", "unmute": "no longer mutes"}
    if result is False:
        was = {"unblock": "blocking", "unmute": "muting"}[args.user_command]
        print(f"{account.username} was not {was} {terminal_safe(handle_of(actor))}")
    else:
        print(f"{account.username} {done[args.user_command]} {terminal_safe(handle_of(actor))}")
    return 0


def register(sub) -> None:
    p = add_parser(sub, "user", "manage artist accounts")
    actions = p.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    c = add_parser(actions, "create", "create an artist account")
    c.add_argument("name")
    c.add_argument("--display-name", default="")
    c.add_argument("--bio", default="", help="profile text (plain text; links become clickable)")
    c.add_argument("--licence", default=None, help="licence key, e.g. cc-by-nc-nd-4.0 (default: instance default)")
    c.add_argument("--allow-ai-training", action="store_true", help="do not reserve AI-training rights")
    c.add_argument("--generative-only", action="store_true", help="reserve only generative-AI training")
    c.add_argument("--allow-search-indexing", action="store_true", help="opt in to search indexing")
    c.add_argument("--manual-approval", action="store_true", help="approve each follower by hand")
    c.add_argument("--field", action="append", default=[], metavar="NAME=VALUE", help="profile field (repeatable)")
    c.add_argument("--if-no-users", action="store_true", help="do nothing if any artist account exists")
    c.add_argument("--admin", action="store_true",
                   help="make the account an admin (it can manage domain blocks and reports in the studio)")
    c.add_argument("--generate-password", action="store_true",
                   help="set a random password and print it once, for signing in to the studio and apps")
    c.set_defaults(run=create)
    add_parser(actions, "list", "list artist accounts").set_defaults(run=list_)
    u = add_parser(actions, "update", "change an artist's profile or licence (followers' servers are told)")
    u.add_argument("name")
    u.add_argument("--display-name")
    u.add_argument("--bio", help="profile text (plain text; links become clickable)")
    u.add_argument("--avatar", metavar="FILE", help="profile picture (JPEG, PNG, WebP or GIF)")
    u.add_argument("--header", metavar="FILE", help="banner image")
    u.add_argument("--field", action="append", default=[], metavar="NAME=VALUE", help="replaces all fields")
    u.add_argument("--licence", help="licence key, e.g. cc-by-nc-nd-4.0")
    u.add_argument("--ai-training", choices=["reserved", "allowed"])
    u.add_argument("--search-indexing", choices=["allowed", "refused"])
    u.add_argument("--approval", choices=["manual", "automatic"], help="how followers are accepted")
    u.add_argument("--collections", choices=["shown", "hidden"],
                   help="hidden: other servers see follower and following counts, not the lists")
    u.add_argument("--role", choices=[str(r) for r in AccountRole],
                   help="admin: may manage domain blocks and reports in the studio")
    u.set_defaults(run=update)
    s = add_parser(actions, "show", "show an account's handle, actor URL and licence")
    s.add_argument("name")
    s.set_defaults(run=show)
    pw = add_parser(actions, "password", "set an artist's password (asked twice, or read from stdin)")
    pw.add_argument("name")
    pw.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    pw.set_defaults(run=password)
    for verb, help_text in (("block", "block an account: follows end, they are told, nothing is delivered to them"),
                            ("unblock", "lift a block"), ("mute", "hide an account from the artist (they are not told)"),
                            ("unmute", "lift a mute")):
        r = add_parser(actions, verb, help_text)
        r.add_argument("name")
        r.add_argument("who", help="@user@host or an actor URL")
        r.set_defaults(run=restrict)
