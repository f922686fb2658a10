"""An artist's notifications: list (filtered by Mastodon type, by account, one page at a time), read one,
dismiss one, clear all. fediart's kinds map to Mastodon's types here, once; kinds Mastodon v1 has no type
for are never listed, because clients crash on unknown types (Tusky did).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import delete, select

from fediart.actions.errors import NotFound
from fediart.store.pages import Page
from fediart.services import Services
from fediart.store.states import NotificationKind
from fediart.store.tables import Account, Actor, Notification, Post, RemotePost

MASTODON_TYPES = {
    NotificationKind.FOLLOW: "follow",
    NotificationKind.FOLLOW_REQUEST: "follow_request",
    NotificationKind.LIKE: "favourite",
    NotificationKind.BOOST: "reblog",
    NotificationKind.REPLY: "mention",
    NotificationKind.MENTION: "mention",
}
MAXIMUM = 80


def kinds_for(types: Iterable[str]) -> set[str]:
    """The fediart kinds behind these Mastodon types (unknown types name nothing)."""
    wanted = set(types)
    return {kind for kind, name in MASTODON_TYPES.items() if name in wanted}


async def list_notifications(services: Services, account: Account, page: Page, *, types: Iterable[str] = (),
                             exclude_types: Iterable[str] = (), account_id: int | None = None) -> list[Notification]:
    """Newest first. `types` keeps only those Mastodon types, `exclude_types` drops some, `account_id`
    keeps those caused by one actor."""
    kinds = set(MASTODON_TYPES)
    types = [t for t in types if t]
    if types:
        kinds &= kinds_for(types)
    kinds -= kinds_for(exclude_types)
    if not kinds:
        return []
    query = select(Notification).where(Notification.account_id == account.id, Notification.kind.in_(kinds),
                                       *page.conditions(Notification.id))
    if account_id is not None:
        query = query.where(Notification.actor_id == account_id)
    async with services.sessions() as session:
        rows = (await session.exec(query.order_by(page.order(Notification.id)).limit(page.limit))).all()
    return page.arrange(list(rows))


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
            .where(Notification.account_id == account.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit))
        return [tuple(row) for row in rows.all()]
