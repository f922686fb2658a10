"""`fediart notifications NAME`: what happened to an artist on the network, newest first, as plain text."""

from __future__ import annotations

import argparse
import shlex

from fediart.actions.notifications import recent
from fediart.activitypub.webfinger_client import acct_of
from fediart.commands import CliError, CommandContext, add_parser
from fediart.services import Services, build_services
from fediart.store.accounts import get_account
from fediart.store.tables import Notification, Post, Actor, RemotePost
from fediart.text import plain_excerpt, terminal_safe

EXCERPT = 60


def _post_ref(post: Post | None) -> str:
    if post is None:
        return "a post"
    excerpt = plain_excerpt(post.content, 40)
    return f"post {post.id}" + (f" “{excerpt}”" if excerpt else "")


def _remote_text(remote_post: RemotePost | None) -> str:
    if remote_post is None:
        return ""
    if remote_post.deleted_at is not None:
        return "(deleted)"
    text = plain_excerpt(remote_post.content)
    return f"“{text}”" if text else "(no text)"


def _raw_handle(actor: Actor) -> str:
    # The port stays: bea@host and bea@host:8443 are two people.
    return "@" + acct_of(actor.username, actor.uri) if actor.username else actor.uri


def handle_of(actor: Actor) -> str:
    """The actor's handle as the admin sees it (remote text, made terminal-safe)."""
    return terminal_safe(_raw_handle(actor))


def answer_hint(username: str, actor: Actor) -> str:
    """A command that answers a follow request, safe to paste into a shell.

    The handle is chosen by the remote server: quoted, so `$(…)`, `;` or a space in it stay an argument.
    A handle that terminal_safe had to change would not find the actor again, so its URL is used instead.
    """
    raw = _raw_handle(actor)
    who = raw if terminal_safe(raw) == raw else actor.uri
    return f"fediart follower approve {shlex.quote(username)} {shlex.quote(terminal_safe(who))}"


def describe(n: Notification, actor: Actor, post: Post | None, remote_post: RemotePost | None,
             username: str) -> str:
    """One notification as a sentence a person reads (the handle is its own column)."""
    if n.kind == "follow":
        return "followed you"
    if n.kind == "follow_request":
        # "(or reject)" after the command: pasting the whole line is a shell syntax error, never a pipe.
        return f"asks to follow you: {answer_hint(username, actor)} (or reject)"
    if n.kind == "like":
        return f"liked {_post_ref(post)}"
    if n.kind == "boost":
        return f"boosted {_post_ref(post)}"
    if n.kind == "reply":
        return f"replied {_remote_text(remote_post)} to {_post_ref(post)}"
    if n.kind == "mention":
        return f"mentioned you: {_remote_text(remote_post)}"
    if n.kind == "move":
        return f"moved to {terminal_safe(actor.moved_to or 'a new account')} (you were not made to follow it)"
    return n.kind


async def notification_lines(services: Services, username: str, limit: int) -> list[tuple[str, str, str, str]]:
    """(when, kind, who, what) for an artist's newest notifications; CliError for an unknown artist."""
    async with services.sessions() as session:
        account = await get_account(session, username.lstrip("@"))
    if account is None or account.kind != "person":
        raise CliError(f"no user named {username!r}")
    return [(n.created_at.strftime("%Y-%m-%d %H:%M"), n.kind.replace("_", " "),
             handle_of(actor),
             describe(n, actor, post, remote_post, account.username))
            for n, actor, post, remote_post in await recent(services, account, limit)]


async def list_notifications(ctx: CommandContext, args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise CliError("--limit must be at least 1")
    lines = await notification_lines(build_services(ctx.config, ctx.engine), args.name, args.limit)
    if not lines:
        print(f"no notifications for {args.name.lstrip('@')} yet")
        return 0
    kind_width = max(len(kind) for _, kind, _, _ in lines)
    who_width = max(len(who) for _, _, who, _ in lines)
    print(f"{'WHEN (UTC)':<16}  {'WHAT':<{kind_width}}  {'WHO':<{who_width}}  DETAIL")
    for when, kind, who, what in lines:
        print(f"{when:<16}  {kind:<{kind_width}}  {who:<{who_width}}  {what}")
    return 0


def register(sub) -> None:
    p = add_parser(sub, "notifications", "an artist's follows, likes, boosts, replies, mentions and moves")
    p.add_argument("name", help="the artist's username")
    p.add_argument("--limit", type=int, default=20, help="how many to show, newest first (default: 20)")
    p.set_defaults(run=list_notifications)
