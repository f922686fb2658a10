"""`fediart album list|create|add|remove|delete`: an artist's albums (series) from the command line."""

from __future__ import annotations

import argparse

from fediart.actions.albums import add_to_album, create_album, delete_album, list_albums, remove_from_album
from fediart.commands import CommandContext, add_parser
from fediart.commands.artist_scope import as_artist
from fediart.services import Services
from fediart.store.tables import Account
from fediart.text import terminal_safe
from fediart.web.albums import album_url


def _failed(args: argparse.Namespace) -> str:
    """What could not be done, for the one line a refusal prints."""
    album = getattr(args, "album_id", "")
    return {"list": "cannot list the albums", "create": "cannot create the album",
            "add": f"cannot add to album {album}", "remove": f"cannot remove from album {album}",
            "delete": f"cannot delete album {album}"}[args.album_command]


async def list_(ctx: CommandContext, args: argparse.Namespace) -> int:
    async def work(services: Services, account: Account) -> str:
        albums = await list_albums(services, account)
        if not albums:
            return (f"@{account.username} has no albums yet; "
                    f"create one with `fediart album create {account.username} TITLE`")
        lines = [f"{'ID':<20}  {'WORKS':>5}  TITLE"]
        lines += [f"{s.album.id:<20}  {s.count:>5}  {terminal_safe(s.album.title)}" for s in albums]
        return "\n".join(lines)
    return await as_artist(ctx, args, work, _failed(args))


async def create(ctx: CommandContext, args: argparse.Namespace) -> int:
    async def work(services: Services, account: Account) -> str:
        album = await create_album(services, account, args.title, args.description)
        return (f"created album {album.id} \"{terminal_safe(album.title)}\" for @{account.username}: "
                f"{album_url(services.urls, account.username, album.id)}")
    return await as_artist(ctx, args, work, _failed(args))


async def add(ctx: CommandContext, args: argparse.Namespace) -> int:
    async def work(services: Services, account: Account) -> str:
        added = await add_to_album(services, account, args.album_id, args.post_ids)
        already = len(set(args.post_ids)) - added
        return f"added {added} post{'s' if added != 1 else ''} to album {args.album_id}" + (
            f" ({already} already in it)" if already else "")
    return await as_artist(ctx, args, work, _failed(args))


async def remove(ctx: CommandContext, args: argparse.Namespace) -> int:
    async def work(services: Services, account: Account) -> str:
        await remove_from_album(services, account, args.album_id, args.post_id)
        return f"removed post {args.post_id} from album {args.album_id}; the post stays"
    return await as_artist(ctx, args, work, _failed(args))


async def delete(ctx: CommandContext, args: argparse.Namespace) -> int:
    async def work(services: Services, account: Account) -> str:
        album = await delete_album(services, account, args.album_id)
        return f"deleted album {album.id} \"{terminal_safe(album.title)}\"; its posts stay"
    return await as_artist(ctx, args, work, _failed(args))


def register(sub) -> None:
    p = add_parser(sub, "album", "manage an artist's albums (series of works)")
    actions = p.add_subparsers(dest="album_command", required=True, metavar="ACTION")
    ls = add_parser(actions, "list", "list an artist's albums")
    ls.add_argument("name", help="the artist account")
    ls.set_defaults(run=list_)
    c = add_parser(actions, "create", "create an album")
    c.add_argument("name", help="the artist account")
    c.add_argument("title")
    c.add_argument("--description", default="", help="plain text shown on the album's page")
    c.set_defaults(run=create)
    a = add_parser(actions, "add", "add posts at the end of an album")
    a.add_argument("name", help="the artist account")
    a.add_argument("album_id")
    a.add_argument("post_ids", nargs="+", metavar="POST_ID")
    a.set_defaults(run=add)
    r = add_parser(actions, "remove", "take a post out of an album")
    r.add_argument("name", help="the artist account")
    r.add_argument("album_id")
    r.add_argument("post_id")
    r.set_defaults(run=remove)
    d = add_parser(actions, "delete", "delete an album (its posts stay)")
    d.add_argument("name", help="the artist account")
    d.add_argument("album_id")
    d.set_defaults(run=delete)
