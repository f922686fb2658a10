"""Studio pages about people: follow requests, notifications, followers and following.

Each handler reads the page or form, calls one function of actions/follows.py or actions/notifications.py
(the ones the client API calls) and renders; the actor in a path is the actor id the client API uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.actions import follows, notifications
from fediart.actions.accounts import actor_by_id, find_actor, handle_of
from fediart.text import plain_excerpt
from fediart.services import Services
from fediart.store.pages import Page
from fediart.store.states import NotificationKind
from fediart.store.tables import Account, Actor, Post, RemotePost
from fediart.web.studio.base import Refused, Studio, studio_page, text

PER_PAGE = 20
EXCERPT = 140

# What each kind of notification says after the actor's handle.
SAYS = {
    NotificationKind.FOLLOW: "followed you",
    NotificationKind.FOLLOW_REQUEST: "asked to follow you",
    NotificationKind.LIKE: "liked your post",
    NotificationKind.BOOST: "boosted your post",
    NotificationKind.REPLY: "replied to you",
    NotificationKind.MENTION: "mentioned you",
}
FOLLOWED = {follows.FollowOutcome.SENT: "follow_sent", follows.FollowOutcome.RESENT: "follow_sent",
            follows.FollowOutcome.FOLLOWING: "followed", follows.FollowOutcome.ALREADY: "followed"}


@dataclass
class Person:
    """An actor as a list shows it: id for the forms, handle and name (remote text), a safe-to-link URL."""

    id: int
    handle: str
    name: str
    url: str


@dataclass
class Notice:
    """One notification as the page shows it."""

    id: int
    who: Person
    says: str
    when: str
    when_iso: str
    excerpt: str = ""
    post_url: str | None = None  # checked with safe_url in the template when it is remote


def _person(actor: Actor) -> Person:
    return Person(actor.id, handle_of(actor), actor.display_name or actor.username, actor.url or actor.uri)


def _page(request: Request) -> Page:
    return Page.from_params(request.query_params, default=PER_PAGE, maximum=PER_PAGE)


def _next_max_id(rows: list, page: Page, id_of) -> int | None:
    """The cursor of the next (older) page, when this one is full."""
    return id_of(rows[-1]) if rows and len(rows) >= page.limit else None


async def _actor(services: Services, request: Request) -> Actor:
    async with services.sessions() as session:
        return await actor_by_id(session, request.path_params["actor_id"])


# --- follow requests ---------------------------------------------------------------------------------

@studio_page
async def requests_page(request: Request, studio: Studio) -> Response:
    page = _page(request)
    rows = await follows.follow_requests(studio.services, studio.account, page)
    return studio.render("studio/requests.html", people=[_person(actor) for _, actor in rows],
                         next_max_id=_next_max_id(rows, page, lambda row: row[0].id))


@studio_page
async def approve(request: Request, studio: Studio) -> Response:
    await studio.form()
    await follows.approve(studio.services, studio.account, await _actor(studio.services, request))
    return studio.done("/studio/requests", "approved")


@studio_page
async def reject(request: Request, studio: Studio) -> Response:
    await studio.form()
    await follows.reject(studio.services, studio.account, await _actor(studio.services, request))
    return studio.done("/studio/requests", "rejected")


# --- followers and following -------------------------------------------------------------------------

@studio_page
async def followers_page(request: Request, studio: Studio) -> Response:
    page = _page(request)
    rows = await follows.followers(studio.services, studio.account, page)
    return studio.render("studio/followers.html", people=[_person(actor) for _, actor in rows],
                         next_max_id=_next_max_id(rows, page, lambda row: row[0].id))


@studio_page
async def remove_follower(request: Request, studio: Studio) -> Response:
    await studio.form()
    # Mastodon's remove_from_followers: the same Reject a refused request gets.
    await follows.reject(studio.services, studio.account, await _actor(studio.services, request))
    return studio.done("/studio/followers", "removed")


@studio_page
async def following_page(request: Request, studio: Studio) -> Response:
    page = _page(request)
    rows = await follows.following(studio.services, studio.account, page)
    return studio.render("studio/following.html", people=[_person(actor) for _, actor in rows],
                         next_max_id=_next_max_id(rows, page, lambda row: row[0].id))


@studio_page
async def follow_someone(request: Request, studio: Studio) -> Response:
    form = await studio.form()
    who = text(form, "handle").strip()
    if not who:
        raise Refused("Type the handle (@name@server) or the address of the account to follow.", 422)
    actor = await find_actor(studio.services, who, fetch=True)
    _, outcome = await follows.follow(studio.services, studio.account, actor)
    return studio.done("/studio/following", FOLLOWED[outcome])


@studio_page
async def unfollow(request: Request, studio: Studio) -> Response:
    await studio.form()
    await follows.unfollow(studio.services, studio.account, await _actor(studio.services, request))
    return studio.done("/studio/following", "unfollowed")


# --- notifications -----------------------------------------------------------------------------------

async def _notices(services: Services, account: Account, rows: list[Any]) -> list[Notice]:
    """Who, what and which post, read in one session; a notification whose actor is gone is left out."""
    found = []
    async with services.sessions() as session:
        actor_ids = list({n.actor_id for n in rows})
        actors = {a.id: a for a in (await session.exec(select(Actor).where(Actor.id.in_(actor_ids)))).all()} \
            if actor_ids else {}
        for n in rows:
            actor = actors.get(n.actor_id)
            if actor is None:
                continue
            notice = Notice(n.id, _person(actor), SAYS.get(n.kind, n.kind),
                            f"{n.created_at:%Y-%m-%d %H:%M} UTC", f"{n.created_at:%Y-%m-%dT%H:%MZ}")
            if n.remote_post_id is not None:
                remote = await session.get(RemotePost, n.remote_post_id)
                if remote is not None and remote.deleted_at is None:
                    notice.excerpt, notice.post_url = plain_excerpt(remote.content, EXCERPT), remote.url or remote.uri
            elif n.post_id is not None:
                post = await session.get(Post, n.post_id)
                if post is not None and post.deleted_at is None:
                    notice.excerpt = plain_excerpt(post.content, EXCERPT)
                    notice.post_url = services.urls.status_page(account.username, post.id)
            found.append(notice)
    return found


@studio_page
async def notifications_page(request: Request, studio: Studio) -> Response:
    page = _page(request)
    async with studio.services.sessions() as session:
        rows = await notifications.list_notifications(session, studio.services, studio.account, page)
    return studio.render("studio/notifications.html",
                         notices=await _notices(studio.services, studio.account, rows),
                         next_max_id=_next_max_id(rows, page, lambda row: row.id))


@studio_page
async def clear_notifications(request: Request, studio: Studio) -> Response:
    await studio.form()
    await notifications.clear(studio.services, studio.account)
    return studio.done("/studio/notifications", "cleared")


routes = [
    Route("/studio/requests", requests_page, methods=["GET"]),
    Route("/studio/requests/{actor_id}/approve", approve, methods=["POST"]),
    Route("/studio/requests/{actor_id}/reject", reject, methods=["POST"]),
    Route("/studio/followers", followers_page, methods=["GET"]),
    Route("/studio/followers/{actor_id}/remove", remove_follower, methods=["POST"]),
    Route("/studio/following", following_page, methods=["GET"]),
    Route("/studio/following", follow_someone, methods=["POST"]),
    Route("/studio/following/{actor_id}/unfollow", unfollow, methods=["POST"]),
    Route("/studio/notifications", notifications_page, methods=["GET"]),
    Route("/studio/notifications/clear", clear_notifications, methods=["POST"]),
]
