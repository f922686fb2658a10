"""What the post page shows under the work: its like and boost counts, and the public replies fediart holds.

Replies come from other servers (RemotePost rows, stored by the inbox) and from artists here (Post rows),
oldest first. Left out, as the public timelines and threads leave them out: deleted replies, those not
public or unlisted, those of actors the artist blocked or muted, of deleted actors, and of servers the
admin limited or suspended, and those whose licence signals refuse public listing (as public feeds
leave them out: a reply to an artist is not consent to be shown on an indexable page). Remote text is kept as stored (already sanitised) and cleaned again by the
template's `safe_html`; the template links remote URLs only through `safe_url`.
"""

from __future__ import annotations

from dataclasses import dataclass
from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.actions.timelines import remote_consents_to_public_feeds
from fediart.activitypub.convert import iso, post_licence
from fediart.licence.remote_signals import signals_of
from fediart.policy.scope import remote_actors_on
from fediart.services import Services
from fediart.store.states import InteractionKind, Restriction
from fediart.store.tables import Account, Actor, ActorRestriction, Interaction, Post, RemotePost
from fediart.store.visibility import visible_posts, visible_remote_posts

MAX_REPLIES = 100  # a page, not an archive: the rest are on the servers they came from


@dataclass(frozen=True)
class Reply:
    """One reply as the page shows it; every text is escaped by the template, `content` cleaned."""

    id: int  # a snowflake: ordering by it is ordering by arrival
    name: str
    handle: str
    profile_url: str | None  # from the remote actor: rendered only through safe_url
    url: str | None  # the original, on its own server
    published: str | None  # ISO 8601, UTC
    content: str
    summary: str
    sensitive: bool
    attachments: int  # remote images are not shown (our CSP allows only our own origin)
    licence_name: str | None
    licence_url: str | None
    ai_training_denied: bool


@dataclass(frozen=True)
class Thread:
    likes: int
    boosts: int
    replies: list[Reply]
    more_replies: bool  # more than MAX_REPLIES are held


async def interaction_counts(session: AsyncSession, post_id: int) -> dict[str, int]:
    """Likes and boosts of a local post, local and remote, by kind: what the client API counts."""
    rows = await session.exec(select(Interaction.kind, func.count()).where(Interaction.post_id == post_id)
                              .group_by(Interaction.kind))
    return {kind: number for kind, number in rows.all()}


def _unwanted_actors(account: Account):
    """Actors the artist blocked or muted: their replies stay off the artist's page."""
    return select(ActorRestriction.actor_id).where(
        ActorRestriction.account_id == account.id,
        ActorRestriction.kind.in_([Restriction.BLOCK, Restriction.MUTE]))


def _remote_reply(post: RemotePost, actor: Actor) -> Reply:
    signals = signals_of(post.licence)
    return Reply(
        id=post.id, name=actor.display_name or actor.username, handle=f"@{actor.username}@{actor.domain}",
        profile_url=actor.url or actor.uri, url=post.url or post.uri,
        published=iso(post.published) if post.published else None,
        content=post.content, summary=post.summary, sensitive=post.sensitive,
        attachments=len(post.attachments or []),
        licence_name=signals.licence_name,
        licence_url=signals.licence_url, ai_training_denied=signals.ai_training_denied,
    )


def _local_reply(services: Services, post: Post, author: Account) -> Reply:
    licence = post_licence(services.licence_for(author), post.licence_key)
    return Reply(
        id=post.id, name=author.display_name or author.username,
        handle=f"@{author.username}@{services.config.domain}", profile_url=services.urls.profile(author.username),
        url=services.urls.status_page(author.username, post.id), published=iso(post.published),
        content=post.content, summary=post.summary, sensitive=post.sensitive, attachments=0,
        licence_name=licence.name, licence_url=licence.url or licence.usage_info_url,
        ai_training_denied=licence.ai_training_reserved,
    )


async def public_replies(session: AsyncSession, services: Services, account: Account,
                         post: Post) -> tuple[list[Reply], bool]:
    """The first MAX_REPLIES public replies to the post, oldest first, and whether there are more."""
    # Other servers reply to the Note's id; a few use the page's URL.
    targets = [services.urls.status(account.username, post.id), services.urls.status_page(account.username, post.id)]
    unwanted = _unwanted_actors(account)
    remote = (select(RemotePost, Actor).join(Actor, Actor.id == RemotePost.actor_id)
              .where(RemotePost.in_reply_to.in_(targets), visible_remote_posts(None),
                     Actor.gone.is_(False), RemotePost.actor_id.not_in(unwanted),
                     remote_consents_to_public_feeds()))
    # Limited (silenced) servers never appear in public views; suspended ones' posts are removed anyway.
    hidden = await services.policy.hidden_domains()
    if hidden:
        remote = remote.where(RemotePost.actor_id.not_in(remote_actors_on(hidden)))
    local = (select(Post, Account).join(Account, Account.id == Post.account_id)
             .where(Post.in_reply_to.in_(targets), visible_posts(None), Account.kind == "person",
                    Post.account_id.not_in(select(Actor.account_id).where(
                        Actor.id.in_(unwanted), Actor.account_id.is_not(None)))))
    found = [_remote_reply(p, a) for p, a in
             (await session.exec(remote.order_by(RemotePost.id).limit(MAX_REPLIES + 1))).all()]
    found += [_local_reply(services, p, a) for p, a in
              (await session.exec(local.order_by(Post.id).limit(MAX_REPLIES + 1))).all()]
    found.sort(key=lambda reply: reply.id)
    return found[:MAX_REPLIES], len(found) > MAX_REPLIES


async def thread_of(session: AsyncSession, services: Services, account: Account, post: Post) -> Thread:
    """Counts and replies of one public post of `account`."""
    counts = await interaction_counts(session, post.id)
    replies, more = await public_replies(session, services, account, post)
    return Thread(likes=counts.get(InteractionKind.LIKE, 0), boosts=counts.get(InteractionKind.BOOST, 0),
                  replies=replies, more_replies=more)
