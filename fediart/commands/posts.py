"""`fediart post NAME …`, `post edit ID`, `post delete ID`, `post list NAME`: publishing from the shell.

One parser, because the common case names the artist directly (`fediart post ana --text …`);
the words edit, delete and list are therefore not usable as the first word for an artist's name.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from fediart.activitypub.convert import VISIBILITIES
from fediart.commands import CliError, CommandContext, add_parser
from fediart.actions.errors import ActionError
from fediart.actions.media import discard_uploads, upload_media
from fediart.actions.posts import create_status, delete_status, edit_status
from fediart.licence.catalogue import licence_by_key
from fediart.services import build_services, running_services
from fediart.store.accounts import get_account
from fediart.store.posts import media_for, posts_of
from fediart.store.tables import Account, Delivery, OutboxActivity, Post
from fediart.text import terminal_safe

ACTIONS = ("edit", "delete", "list")


def _read_images(paths: list[str], alts: list[list[str]]) -> list[tuple[bytes, str]]:
    if len(alts) != len(paths) or any(len(alt) != 1 for alt in alts):
        raise CliError('give one --alt TEXT after each --image (describe the image, or --alt "" to skip)')
    images = []
    for path, [alt] in zip(paths, alts):
        try:
            images.append((Path(path).read_bytes(), alt))
        except OSError as exc:
            raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
    return images


async def _queued(session, post_id: int, kind: str) -> int:
    return (await session.exec(
        select(func.count()).select_from(Delivery).join(OutboxActivity, OutboxActivity.id == Delivery.activity_id)
        .where(OutboxActivity.post_id == post_id, OutboxActivity.activity_type == kind))).one()


async def _create(ctx: CommandContext, args: argparse.Namespace) -> int:
    if args.second is not None:
        raise CliError(f"unexpected {args.second!r}: use `fediart post NAME --text TEXT`")
    if args.text is None and not args.image:
        raise CliError("give --text, --image FILE --alt TEXT, or both")
    images = _read_images(args.image, args.alt)
    if args.licence is not None:
        try:
            licence_by_key(args.licence)
        except KeyError as exc:
            raise CliError(exc.args[0]) from None
    unlinked: dict[str, str] = {}
    async with running_services(ctx.config) as services:
        async with services.sessions() as session:
            account = await get_account(session, args.first.lstrip("@"))
        if account is None or account.kind != "person":
            raise CliError(f"no user named {args.first!r}")
        # The images go in first, as a client uploads them, each with the post's licence in the file.
        uploaded: list[int] = []
        try:
            for number, (data, alt) in enumerate(images, 1):
                try:
                    media = await upload_media(services, account, data, description=alt, licence_key=args.licence)
                except ActionError as exc:
                    raise CliError((f"image {number}: " if len(images) > 1 else "") + _said(exc)) from None
                uploaded.append(media.id)
            post = await create_status(
                services, account, text=args.text or "", media_ids=[str(i) for i in uploaded],
                spoiler_text=args.cw or "", sensitive=args.sensitive, visibility=args.visibility or "public",
                licence_key=args.licence, reply_to_url=args.reply_to, unlinked=unlinked, language=args.language)
        except ActionError as exc:
            await discard_uploads(services, account, uploaded)
            raise CliError(_said(exc)) from None
        except BaseException:
            await discard_uploads(services, account, uploaded)
            raise
        async with services.sessions() as session:
            queued = await _queued(session, post.id, "Create")
        print(services.urls.status_page(account.username, post.id))
    print(f"post {post.id} published ({post.visibility}); queued for {queued} inbox(es)")
    _report_unlinked(unlinked)
    return 0


def _said(exc: ActionError) -> str:
    # "Validation failed:" is Mastodon's wording for clients; the shell needs only the reason.
    return exc.message.removeprefix("Validation failed: ")


def _report_unlinked(unlinked: dict[str, str]) -> None:
    # The post is out; the artist still needs to know who was not told (edit the post to retry).
    for handle, reason in unlinked.items():
        print(f"@{handle} is not linked (plain text, not notified): {reason}")


def _post_id(value: str | None) -> int:
    if value is None or not value.isdigit():
        raise CliError(f"give the post's number, e.g. `fediart post edit 12` (not {value!r})")
    return int(value)


async def _owner(services, post_id: int):
    """The artist who wrote a live post (the CLI acts as that artist)."""
    async with services.sessions() as session:
        post = await session.get(Post, post_id)
        if post is None:
            raise CliError(f"there is no post {post_id}")
        if post.deleted_at is not None:
            raise CliError(f"post {post_id} was deleted")
        return await session.get(Account, post.account_id), (await media_for(session, [post_id]))[post_id]


async def _edit(ctx: CommandContext, args: argparse.Namespace) -> int:
    post_id = _post_id(args.second)
    if args.image or args.visibility or args.reply_to or args.sensitive:
        raise CliError("an edit can change --text, --cw, --language, --licence and --alt N TEXT only")
    alts: dict[int, str] = {}
    for alt in args.alt:
        if len(alt) != 2 or not alt[0].isdigit():
            raise CliError("in an edit, --alt takes the image number and the text: --alt 1 \"a heron in reeds\"")
        alts[int(alt[0])] = alt[1]
    if args.text is None and args.cw is None and args.language is None and not args.licence and not alts:
        raise CliError("nothing to change: give new text, a content warning, a language, a licence "
                       "or an image description")
    unlinked: dict[str, str] = {}
    async with running_services(ctx.config) as services:
        account, media = await _owner(services, post_id)
        for number in alts:
            if not 1 <= number <= len(media):
                raise CliError(f"post {post_id} has {len(media)} image(s); there is no image {number}")
        try:
            post = await edit_status(services, account, post_id, text=args.text, spoiler_text=args.cw,
                                     language=args.language, unlinked=unlinked, licence_key=args.licence or None,
                                     media_attributes=[{"id": media[n - 1].id, "description": alt}
                                                       for n, alt in alts.items()])
        except ActionError as exc:
            raise CliError(_said(exc)) from None
        async with services.sessions() as session:
            queued = await _queued(session, post.id, "Update")
    relicensed = f"; licence now {args.licence}, written into every image file" if args.licence else ""
    print(f"post {post.id} edited{relicensed}; update queued for {queued} inbox(es)")
    _report_unlinked(unlinked)
    return 0


async def _delete(ctx: CommandContext, args: argparse.Namespace) -> int:
    post_id = _post_id(args.second)
    services = build_services(ctx.config, ctx.engine)  # no network needed: the worker delivers
    account, _ = await _owner(services, post_id)
    try:
        await delete_status(services, account, post_id)
    except ActionError as exc:
        raise CliError(_said(exc)) from None
    async with services.sessions() as session:
        queued = await _queued(session, post_id, "Delete")
    print(f"post {post_id} deleted; its files are removed and the Delete is queued for {queued} inbox(es)")
    return 0


async def _list(ctx: CommandContext, args: argparse.Namespace) -> int:
    if args.second is None:
        raise CliError("give the artist's name: `fediart post list NAME`")
    services = build_services(ctx.config, ctx.engine)
    async with services.sessions() as session:
        account = await get_account(session, args.second.lstrip("@"))
        if account is None or account.kind != "person":
            raise CliError(f"no user named {args.second!r}")
        posts = await posts_of(session, account.id)
    if not posts:
        print(f"@{account.username} has not posted yet")
        return 0
    for post in posts:
        state = "deleted" if post.deleted_at else post.visibility
        text = " ".join(terminal_safe(post.source).split())
        text = text if len(text) <= 50 else text[:49] + "…"
        print(f"{post.id:>6}  {post.published:%Y-%m-%d}  {state:<9}  "
              f"{services.urls.status_page(account.username, post.id)}  {text}")
    return 0


async def run(ctx: CommandContext, args: argparse.Namespace) -> int:
    handler = {"edit": _edit, "delete": _delete, "list": _list}.get(args.first, _create)
    return await handler(ctx, args)


def register(sub) -> None:
    p = add_parser(sub, "post", "publish, edit, delete or list posts")
    p.usage = ("fediart post NAME --text TEXT [--image FILE --alt TEXT]... [--cw TEXT] [--sensitive]\n"
               "                   [--visibility public|unlisted|followers|direct] [--licence KEY] [--reply-to URL]\n"
               "                   [--language TAG]\n"
               "       fediart post edit ID [--text TEXT] [--cw TEXT] [--language TAG] [--licence KEY] [--alt N TEXT]...\n"
               "       fediart post delete ID\n"
               "       fediart post list NAME")
    p.add_argument("first", metavar="NAME|edit|delete|list")
    p.add_argument("second", nargs="?", metavar="ID|NAME", help="the post number (edit, delete) or artist (list)")
    p.add_argument("--text", help="the post's text; @user@server mentions, #hashtags and links are recognised")
    p.add_argument("--image", action="append", default=[], metavar="FILE", help="an image to attach (up to 4)")
    p.add_argument("--alt", action="append", default=[], nargs="+", metavar="TEXT",
                   help='description of the image before it (required; --alt "" for none). In an edit: --alt N TEXT')
    p.add_argument("--cw", help='content warning shown before the post (in an edit, --cw "" removes it)')
    p.add_argument("--sensitive", action="store_true", help="mark the images sensitive (hidden until clicked)")
    p.add_argument("--visibility", choices=VISIBILITIES, help="who may see it (default: public)")
    p.add_argument("--licence", help="licence of this post, if not the artist's own, e.g. cc-by-nc-nd-4.0 "
                                     "(in an edit: the images' files are rewritten and an Update is sent)")
    p.add_argument("--reply-to", metavar="URL", help="the post this answers: its web page or its id")
    p.add_argument("--language", metavar="TAG",
                   help="the post's language, a BCP 47 tag such as en or pt-BR (default: [server] default_language)")
    p.set_defaults(run=run)
