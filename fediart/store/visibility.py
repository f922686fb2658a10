"""Who may see a post, once, as SQL conditions (for timelines and lists) and as a check on one row.

A local post: public and unlisted ones anyone; followers-only ones its author, accepted followers and
those it mentions; direct ones its author and those it mentions. A remote post, as its addressing said:
public and unlisted ones anyone; followers-only ones those who follow its author (accepted) and those it
mentions; direct ones those it mentions. `viewer` is the viewing artist's actor row, or None for an
anonymous visitor. Blocks and mutes are the caller's concern (they differ between lists and lookups).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.store.states import FollowState, Visibility
from fediart.store.tables import Actor, Follower, Following, Mention, Post, RemotePost

OPEN = (Visibility.PUBLIC, Visibility.UNLISTED)


def visible_posts(viewer: Actor | None) -> Any:
    """A WHERE condition on Post: live posts `viewer` may see."""
    live = Post.deleted_at.is_(None)
    if viewer is None or viewer.account_id is None:
        return and_(live, Post.visibility.in_(OPEN))
    mentioned = exists(select(Mention.id).where(Mention.post_id == Post.id, Mention.actor_id == viewer.id))
    follows = exists(select(Follower.id).where(Follower.account_id == Post.account_id,
                                               Follower.actor_id == viewer.id,
                                               Follower.state == FollowState.ACCEPTED))
    return and_(live, or_(
        Post.visibility.in_(OPEN),
        Post.account_id == viewer.account_id,
        and_(Post.visibility == Visibility.FOLLOWERS, follows),
        mentioned,
    ))


def visible_remote_posts(viewer: Actor | None) -> Any:
    """A WHERE condition on RemotePost: live remote posts `viewer` may see."""
    live = RemotePost.deleted_at.is_(None)
    if viewer is None or viewer.account_id is None:
        return and_(live, RemotePost.visibility.in_(OPEN))
    mentioned = exists(select(Mention.id).where(Mention.remote_post_id == RemotePost.id,
                                                Mention.actor_id == viewer.id))
    follows = exists(select(Following.id).where(Following.account_id == viewer.account_id,
                                                Following.actor_id == RemotePost.actor_id,
                                                Following.state == FollowState.ACCEPTED))
    return and_(live, or_(
        RemotePost.visibility.in_(OPEN),
        and_(RemotePost.visibility == Visibility.FOLLOWERS, follows),
        mentioned,
    ))


async def can_see(session: AsyncSession, viewer: Actor | None, post: Post | RemotePost) -> bool:
    """Whether `viewer` may see this one post (the same rules as the conditions above)."""
    table = Post if isinstance(post, Post) else RemotePost
    condition = visible_posts(viewer) if table is Post else visible_remote_posts(viewer)
    found = await session.exec(select(table.id).where(table.id == post.id, condition))
    return found.first() is not None


