"""An artist's notifications: list (filtered by Mastodon type, by account, one page at a time), read one,
dismiss one, clear all. fediart's kinds map to Mastodon's types here, once; kinds Mastodon v1 has no type
for are never listed, because clients crash on unknown types (Tusky did).
"""

from __future__ import annotations

from collections.abc import Iterable

from typing import Any

from sqlalchemy import bindparam, or_
from sqlmodel import delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.actions.errors import NotFound
from fediart.store.pages import Page
from fediart.services import Services
from fediart.policy.scope import remote_actors_on
from fediart.store.states import FollowState, NotificationKind, Restriction
from fediart.store.tables import Account, Actor, ActorRestriction, Following, Notification, Post, RemotePost

MASTODON_TYPES = {
    NotificationKind.FOLLOW: "follow",
    NotificationKind.FOLLOW_REQUEST: "follow_request",
    NotificationKind.LIKE: "favourite",
    NotificationKind.BOOST: "reblog",
    NotificationKind.REPLY: "mention",
    NotificationKind.MENTION: "mention",
}
MAXIMUM = 80
# The columns a listed notification carries (all a list shows: who, what, about which status, when).
LISTED = (Notification.id, Notification.account_id, Notification.kind, Notification.actor_id, Notification.post_id,
          Notification.remote_post_id, Notification.created_at)


def kinds_for(types: Iterable[str]) -> set[str]:
    """The fediart kinds behind these Mastodon types (unknown types name nothing)."""
    wanted = set(types)
    return {kind for kind, name in MASTODON_TYPES.items() if name in wanted}


async def list_notifications(session: AsyncSession, services: Services, account: Account, page: Page, *,
                             types: Iterable[str] = (), exclude_types: Iterable[str] = (),
                             account_id: int | None = None) -> list[Any]:
    """Newest first, as rows of LISTED's columns (read as they are: a list needs no ORM objects).
    `types` keeps only those Mastodon types, `exclude_types` drops some, `account_id` keeps those caused
    by one actor."""
    kinds = set(MASTODON_TYPES)
    types = [t for t in types if t]
    if types:
        kinds &= kinds_for(types)
    kinds -= kinds_for(exclude_types)
    if not kinds:
        return []
    params = {"account": account.id, "kinds": sorted(kinds), "actor": account_id,
              **{name: value for name, value in (("max_id", page.max_id), ("since_id", page.since_id),
                                                 ("min_id", page.min_id)) if value is not None}}
    statement = _list_statement(page, account_id is not None)
    silenced = await services.policy.silenced_domains(session)
    if silenced:
        statement = statement.where(_not_from_strangers_on(silenced, account))
    rows = (await (await session.connection()).execute(statement, params)).all()
    return page.arrange(list(rows))


def _not_from_restricted(account_id: Any) -> Any:
    """Hides notifications from actors the artist blocked or muted (kept, so an unmute shows them again)."""
    restricted = select(ActorRestriction.actor_id).where(
        ActorRestriction.account_id == account_id, ActorRestriction.kind.in_([Restriction.BLOCK, Restriction.MUTE]))
    return Notification.actor_id.not_in(restricted)


def _not_from_strangers_on(silenced: list[str], account: Account) -> Any:
    """Hides notifications from limited servers' accounts the artist does not follow (as Mastodon
    filters them); follow requests stay, since the artist must see them to approve them."""
    followed = select(Following.actor_id).where(Following.account_id == account.id,
                                                Following.state == FollowState.ACCEPTED)
    strangers = remote_actors_on(silenced).where(Actor.id.not_in(followed))
    return or_(Notification.kind == NotificationKind.FOLLOW_REQUEST, Notification.actor_id.not_in(strangers))


# The list statement, built once per shape (which cursors, whether filtered by actor, limit <= MAXIMUM:
# at most 1,280 entries) with every value a bind parameter: building and hashing it per request cost
# more than running it.
_statements: dict[tuple[bool, bool, bool, bool, int], Any] = {}


def _list_statement(page: Page, by_actor: bool) -> Any:
    shape = (page.max_id is not None, page.since_id is not None, page.min_id is not None, by_actor, page.limit)
    found = _statements.get(shape)
    if found is None:
        column = Notification.id
        cursor = [term for value, term in ((page.max_id, column < bindparam("max_id")),
                                           (page.since_id, column > bindparam("since_id")),
                                           (page.min_id, column > bindparam("min_id"))) if value is not None]
        found = select(*LISTED).where(Notification.account_id == bindparam("account"),
                                      Notification.kind.in_(bindparam("kinds", expanding=True)), *cursor,
                                      _not_from_restricted(bindparam("account")))
        if by_actor:
            found = found.where(Notification.actor_id == bindparam("actor"))
        found = _statements[shape] = found.order_by(page.order(column)).limit(page.limit)
    return found


async def get_notification(services: Services, account: Account, notification_id: int) -> Notification:
    """One of the artist's notifications (of a listed kind); NotFound otherwise."""
    async with services.sessions() as session:
        found = await session.get(Notification, notification_id)
    if found is None or found.account_id != account.id or found.kind not in MASTODON_TYPES:
        raise NotFound()
    return found


async def dismiss(services: Services, account: Account, notification_id: int) -> None:
    """Remove one notification; NotFound if it is not the artist's."""
    async with services.sessions() as session:
        found = await session.get(Notification, notification_id)
        if found is None or found.account_id != account.id:
            raise NotFound()
        await session.delete(found)
        await session.commit()


async def clear(services: Services, account: Account) -> None:
    """Remove all the artist's notifications."""
    async with services.sessions() as session:
        await session.exec(delete(Notification).where(Notification.account_id == account.id))
        await session.commit()


async def recent(services: Services, account: Account,
                 limit: int) -> list[tuple[Notification, Actor, Post | None, RemotePost | None]]:
    """Every notification of the artist (all kinds, for the CLI), newest first, with who and what it is about."""
    async with services.sessions() as session:
        rows = await session.exec(
            select(Notification, Actor, Post, RemotePost)
            .join(Actor, Notification.actor_id == Actor.id)
            .outerjoin(Post, Notification.post_id == Post.id)
            .outerjoin(RemotePost, Notification.remote_post_id == RemotePost.id)
            .where(Notification.account_id == account.id, _not_from_restricted(account.id))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit))
        return [tuple(row) for row in rows.all()]
