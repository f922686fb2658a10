"""`fediart original link|links|revoke|access`: protected originals from the command line.

`link` prints a time-limited download address for one original (the secret is shown this once: give it
to the client, buyer or print shop); `links` lists an artist's links; `revoke` ends one; `access` sets
who may fetch the artist's originals (or one post's, with --post).
"""

from __future__ import annotations

import argparse

from fediart.actions.errors import ActionError
from fediart.actions.originals import issue_link, link_state, list_links, revoke_link, set_account_access, \
    set_post_access
from fediart.commands import CommandContext, add_parser
from fediart.commands.artist_scope import as_artist
from fediart.services import Services
from fediart.store.ids import parse_id
from fediart.store.tables import Account
from fediart.text import terminal_safe


async def link(ctx: CommandContext, args: argparse.Namespace) -> int:
    async def work(services: Services, account: Account) -> str:
        row, url = await issue_link(services, account, args.media_id, args.expires, args.label)
        return (f"download link {row.id} for media {row.media_id}, until {row.expires_at.isoformat()} "
                f"(shown only now):\n{url}")
    return await as_artist(ctx, args, work, f"cannot {args.original_command}")


async def links(ctx: CommandContext, args: argparse.Namespace) -> int:
    async def work(services: Services, account: Account) -> str:
        rows = await list_links(services, account)
        if not rows:
            return f"@{account.username} has no download links"
        lines = [f"{'ID':<8}  {'MEDIA':<20}  {'STATE':<8}  {'EXPIRES':<25}  LABEL"]
        lines += [f"{r.id:<8}  {r.media_id:<20}  {link_state(r):<8}  {r.expires_at.isoformat():<25}  "
                  f"{terminal_safe(r.label)}" for r in rows]
        return "\n".join(lines)
    return await as_artist(ctx, args, work, f"cannot {args.original_command}")


async def revoke(ctx: CommandContext, args: argparse.Namespace) -> int:
    async def work(services: Services, account: Account) -> str:
        row = await revoke_link(services, account, args.link_id)
        return f"revoked download link {row.id}"
    return await as_artist(ctx, args, work, f"cannot {args.original_command}")


async def access(ctx: CommandContext, args: argparse.Namespace) -> int:
    async def work(services: Services, account: Account) -> str:
        if args.post is None:
            await set_account_access(services, account, args.value)
            return f"@{account.username}'s originals: {args.value}"
        post_id = parse_id(args.post)
        if post_id is None:
            raise ActionError("Record not found", 404)
        post = await set_post_access(services, account, post_id, args.value)
        return f"post {post.id}'s originals: {post.original_access or 'as the account says'}"
    return await as_artist(ctx, args, work, f"cannot {args.original_command}")


def register(sub) -> None:
    p = add_parser(sub, "original", "protected full-resolution originals: download links and who may fetch")
    actions = p.add_subparsers(dest="original_command", required=True, metavar="ACTION")
    k = add_parser(actions, "link", "issue a time-limited download link for one original")
    k.add_argument("name", help="the artist account")
    k.add_argument("media_id")
    k.add_argument("--expires", default="7d", help="how long it works: 30m, 12h, 7d, 4w (default 7d)")
    k.add_argument("--label", default="", help="who it is for (shown in the list)")
    k.set_defaults(run=link)
    ls = add_parser(actions, "links", "list an artist's download links")
    ls.add_argument("name", help="the artist account")
    ls.set_defaults(run=links)
    r = add_parser(actions, "revoke", "end a download link at once")
    r.add_argument("name", help="the artist account")
    r.add_argument("link_id")
    r.set_defaults(run=revoke)
    a = add_parser(actions, "access", "who may fetch originals: artist, local, followers, everyone")
    a.add_argument("name", help="the artist account")
    a.add_argument("value", help="artist | local | followers | everyone (with --post: also 'account')")
    a.add_argument("--post", help="set it for one post instead of the account")
    a.set_defaults(run=access)
