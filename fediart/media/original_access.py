"""Who may fetch a full-resolution original: the artist's rule (a post may override the account's).

ARTIST: the artist signed in. LOCAL: any artist signed in here. FOLLOWERS: also a server that signs
its fetch and hosts an accepted follower of the artist (servers fetch as their instance actor on their
users' behalf, as for followers-only posts). EVERYONE: anyone. The artist always may.
"""

from __future__ import annotations

from sqlmodel import select
from starlette.requests import Request

from fediart.activitypub.fetch_access import is_signed, requester
from fediart.auth.sessions import current_login
from fediart.services import Services
from fediart.store.states import FollowState, OriginalAccess
from fediart.store.tables import Account, Actor, Follower, Post


def effective_access(account: Account, post: Post | None) -> OriginalAccess:
    """The rule for one image: its post's own, else the account's; an unknown value is the strictest."""
    value = (post.original_access if post is not None else None) or account.original_access
    try:
        return OriginalAccess(value)
    except ValueError:
        return OriginalAccess.ARTIST


async def _follower_server_signed(services: Services, request: Request, account: Account) -> bool:
    if not is_signed(request):
        return False
    found = await requester(services, request)
    if found.signer is None:
        return False
    async with services.sessions() as session:
        return (await session.exec(select(Follower.id).join(Actor, Actor.id == Follower.actor_id).where(
            Follower.account_id == account.id, Follower.state == FollowState.ACCEPTED,
            Actor.domain == found.signer.domain).limit(1))).first() is not None


async def may_fetch(services: Services, request: Request, account: Account, post: Post | None) -> bool:
    rule = effective_access(account, post)
    if rule == OriginalAccess.EVERYONE:
        return True
    login = await current_login(services, request)
    if login is not None and (login.account.id == account.id or rule != OriginalAccess.ARTIST):
        return True  # ARTIST: only the artist; LOCAL and FOLLOWERS: any artist signed in here
    if rule == OriginalAccess.FOLLOWERS:
        return await _follower_server_signed(services, request, account)
    return False
