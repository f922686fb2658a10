"""An artist's own posts: publish (with images uploaded before), edit (keeping the earlier versions),
delete, pin and unpin; and what clients read about a post: its history and its source text.

Publishing itself (rendering, the Note, the deliveries) is outbox/publish.py; this module checks who
may do what with which rows, turns ids into rows and publishing's errors into ActionError.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.actions.errors import ActionError, NotFound
from fediart.actions.media import declared_source_type, parse_focus
from fediart.activitypub.convert import post_licence
from fediart.licence.catalogue import licence_by_key
from fediart.licence.xmp import xmp_packet
from fediart.media.images import MediaError
from fediart.credentials.renditions import for_account as content_signer_for
from fediart.media.relicence import Rewritten, XmpRewriteError, relicence_files, remove_files
from fediart.outbox.audience import follower_inboxes
from fediart.outbox.enqueue import enqueue
from fediart.outbox.pins import pin_activity
from fediart.outbox.publish import MAX_IMAGES, PublishError, create_post, delete_post, edit_post
from fediart.services import Services
from fediart.store.actors import local_actor
from fediart.store.ids import parse_id
from fediart.store.statuses import ancestors, descendants, find_status, original, status_id, uri_of
from fediart.store.states import Visibility
from fediart.store.tables import Account, IdempotencyKey, Interaction, Media, Post, PostEdit, RemotePost, utcnow
from fediart.streaming.hub import Event

MAX_PINS = 5  # Mastodon's limit, which clients show
IDEMPOTENCY_WINDOW = timedelta(hours=1)  # how long a retried request gets the post it made
PINNABLE = (Visibility.PUBLIC, Visibility.UNLISTED, Visibility.FOLLOWERS)


@dataclass(frozen=True)
class Version:
    """One version of a post for its history: the current one or one kept by an edit."""

    content: str
    summary: str
    sensitive: bool
    created_at: datetime
    media: list[Media]


def _refused(exc: Exception) -> ActionError:
    return ActionError(f"Validation failed: {exc}")


def _ids(values: Sequence[str | int]) -> list[int]:
    found = []
    for value in values:
        media_id = parse_id(str(value).strip())
        if media_id is None:
            raise ActionError(f"Validation failed: {value!r} is not a media id")
        found.append(media_id)
    return list(dict.fromkeys(found))


async def _media_rows(session: AsyncSession, account: Account, media_ids: Sequence[str | int],
                      post_id: int | None = None) -> list[Media]:
    """The uploads these ids name, in that order: the account's, unattached (or already on `post_id`)."""
    ids = _ids(media_ids)
    if len(ids) > MAX_IMAGES:
        raise ActionError(f"Validation failed: at most {MAX_IMAGES} images per post")
    rows = {m.id: m for m in (await session.exec(select(Media).where(Media.id.in_(ids)))).all()} if ids else {}
    for media_id in ids:
        row = rows.get(media_id)
        if row is None or row.account_id != account.id or row.post_id not in (None, post_id):
            raise ActionError(f"Validation failed: media {media_id} is not an upload of yours waiting for a post")
    return [rows[i] for i in ids]


async def _relicence(services: Services, account: Account, media: Sequence[Media],
                     licence_key: str | None, descriptions: Mapping[int, str] | None = None) -> Rewritten:
    """Make the files of these uploads carry the post's licence (a client API upload carries the
    account's) and each row's description, where they carry other ones; the rows get the new file
    names, committed with the post by the caller, who then removes `replaced` (or `written`, if the
    post fails). `descriptions` are ones an edit is about to set, by Media id."""
    licence = post_licence(services.licence_for(account), licence_key)
    sign = content_signer_for(services, account, licence)  # the new licence in the Content Credentials too

    def packet_for(row: Media) -> bytes:
        return xmp_packet(licence, (descriptions or {}).get(row.id, row.description))

    try:
        # Reading, signing and writing image files: off the event loop.
        return await asyncio.to_thread(relicence_files, services.storage_for(licence), list(media), packet_for,
                                       sign)
    except (OSError, XmpRewriteError) as exc:
        raise ActionError(f"Validation failed: an image could not be given the post's licence: {exc}") from None


async def _remove(services: Services, names: list[str]) -> None:
    # Off the event loop: on object storage each removal is a network call.
    await asyncio.to_thread(remove_files, services.storage, names)


def _check_licence(licence_key: str | None) -> None:
    if licence_key is not None:
        try:
            licence_by_key(licence_key)
        except KeyError as exc:
            raise ActionError(f"Validation failed: {exc.args[0]}") from None


async def _own_post(session: AsyncSession, services: Services, account: Account, value: str | int) -> Post:
    """The account's own live post; NotFound for another artist's, as Mastodon answers."""
    post = await session.get(Post, status_id(value))
    if post is None or post.account_id != account.id or post.deleted_at is not None:
        raise NotFound()
    return post


async def _remembered(session: AsyncSession, account: Account, key: str) -> Post | None:
    row = await session.get(IdempotencyKey, (account.id, key))
    if row is None:
        return None
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=utcnow().tzinfo)
    if created < utcnow() - IDEMPOTENCY_WINDOW:
        await session.delete(row)  # an old key starts afresh
        await session.commit()
        return None
    return await session.get(Post, row.post_id)


async def create_status(services: Services, account: Account, *, text: str = "", media_ids: Sequence[str] = (),
                        sensitive: bool = False, spoiler_text: str = "", visibility: str = Visibility.PUBLIC,
                        in_reply_to_id: str | None = None, language: str | None = None,
                        licence_key: str | None = None, idempotency_key: str | None = None,
                        reply_to_url: str | None = None, unlinked: dict[str, str] | None = None) -> Post:
    """Publish a post from text and earlier uploads; a retried Idempotency-Key gets the post it made.

    The post replied to is a status id (`in_reply_to_id`, from a client) or a URL, ours or another
    server's (`reply_to_url`, from the CLI). Mentions that cannot be found are published as plain text;
    `unlinked`, when given, receives each of them with the reason.
    """
    key = (idempotency_key or "").strip()[:200] or None
    _check_licence(licence_key)
    async with services.sessions() as session:
        if key is not None:
            earlier = await _remembered(session, account, key)
            if earlier is not None:
                return earlier
        reply_to = reply_to_url
        if in_reply_to_id:
            me = await local_actor(session, services.urls, account)
            parent = await original(session, await find_status(session, me, in_reply_to_id))
            reply_to = await uri_of(session, services.urls, parent)
        attached = await _media_rows(session, account, media_ids)
        rewritten = await _relicence(services, account, attached, licence_key)

        async def remember(post: Post) -> None:
            if key is not None:
                session.add(IdempotencyKey(account_id=account.id, key=key, post_id=post.id))

        try:
            post = await create_post(session, services, account, text, cw=spoiler_text, sensitive=sensitive,
                                     visibility=visibility, licence_key=licence_key, reply_to=reply_to,
                                     language=language, attached=attached, before_commit=remember,
                                     unlinked=unlinked)
        except (PublishError, MediaError) as exc:
            await _remove(services, rewritten.written)
            raise _refused(exc) from None
        except IntegrityError:
            await _remove(services, rewritten.written)
            if key is None:
                raise
        except BaseException:
            await _remove(services, rewritten.written)
            raise
        else:
            await _remove(services, rewritten.replaced)
            services.events.publish(Event.status(post))
            return post
    # The same key raced in from another request, which won: answer with its post.
    async with services.sessions() as session:
        earlier = await _remembered(session, account, key)
    if earlier is None:
        raise ActionError("the same Idempotency-Key is being used for another post; try again", 409)
    return earlier


async def edit_status(services: Services, account: Account, value: str | int, *, text: str | None = None,
                      spoiler_text: str | None = None, sensitive: bool | None = None, language: str | None = None,
                      media_ids: Sequence[str] | None = None, media_attributes: Sequence[dict] = (),
                      licence_key: str | None = None, unlinked: dict[str, str] | None = None) -> Post:
    """Edit one's own post; the version before is kept for its history, and an Update federates.

    A new `licence_key` (fediart) relicenses the post: every file of its images is rewritten with the
    new licence in its XMP and Content Credentials, under new names, and the Update carries both.
    `unlinked` as for create_status."""
    _check_licence(licence_key)
    async with services.sessions() as session:
        post = await _own_post(session, services, account, value)
        media = None if media_ids is None else await _media_rows(session, account, media_ids, post.id)
        changes: dict[int, tuple[str | None, tuple[float, float] | None]] = {}
        for item in media_attributes:
            [media_id] = _ids([item.get("id", "")])
            description = item.get("description")
            changes[media_id] = (None if description is None else str(description),
                                 parse_focus(item.get("focus")))
            # fediart: how the image was made, declared again; it federates with the Update below.
            made = declared_source_type(services, item.get("digital_source_type"))
            row = await session.get(Media, media_id) if made is not None else None
            if row is not None and row.post_id == post.id:
                row.digital_source_type = made
                session.add(row)
        if media is None:
            media_after = list((await session.exec(select(Media).where(Media.post_id == post.id)
                                                   .order_by(Media.position))).all())
        else:
            media_after = media
        # The files carry what the post will say: its licence (images added by the edit came with the
        # account's) and each image's description, in their XMP and Content Credentials.
        rewritten = await _relicence(services, account, media_after, licence_key or post.licence_key,
                                     {i: alt for i, (alt, _) in changes.items() if alt is not None})
        try:
            edited = await edit_post(session, services, post.id, text=text, cw=spoiler_text, sensitive=sensitive,
                                     language=language, media=media, media_changes=changes, unlinked=unlinked,
                                     licence_key=licence_key)
        except BaseException as exc:
            await _remove(services, rewritten.written)
            if isinstance(exc, PublishError):
                raise _refused(exc) from None
            raise
    await _remove(services, rewritten.replaced)
    services.events.publish(Event.edited(edited))
    return edited


async def delete_status(services: Services, account: Account, value: str | int, *,
                        keep_media: bool = False) -> tuple[Post, list[Media]]:
    """Delete one's own post; returns it as it was (source text included) and its images, for
    delete-and-redraft. With `keep_media` the images stay as uploads the redraft can attach again
    (Mastodon's default for clients); otherwise they are deleted with the post."""
    async with services.sessions() as session:
        post = await _own_post(session, services, account, value)
        before = Post.model_validate(post.model_dump())  # a detached copy: deleting empties the row
        media = list((await session.exec(select(Media).where(Media.post_id == post.id)
                                         .order_by(Media.position))).all())
        media = [Media.model_validate(m.model_dump()) for m in media]  # as they were on the post
        try:
            await delete_post(session, services, post.id, keep_media=keep_media)
        except PublishError as exc:
            raise _refused(exc) from None
    services.events.publish(Event.deleted(before))
    return before, media


async def _announce_pin(session: AsyncSession, services: Services, account: Account, post: Post) -> None:
    """Add (or Remove) to the artist's followers, in the pin's own transaction; a deleted post's
    undelivered ones are dropped with its other activities (post_id)."""
    activity = pin_activity(services, account, post.id, pinned=post.pinned_at is not None)
    await enqueue(session, account, activity, await follower_inboxes(session, account.id), post_id=post.id)


async def pin_status(services: Services, account: Account, value: str | int) -> Post:
    """Pin one's own post to the profile (the featured collection); at most MAX_PINS."""
    async with services.sessions() as session:
        post = await _own_post(session, services, account, value)
        if post.pinned_at is None:
            if post.visibility not in PINNABLE:
                raise ActionError("Validation failed: direct posts cannot be pinned")
            pinned = (await session.exec(select(func.count()).select_from(Post).where(
                Post.account_id == account.id, Post.pinned_at.is_not(None), Post.deleted_at.is_(None)))).one()
            if pinned >= MAX_PINS:
                raise ActionError(f"Validation failed: you can pin at most {MAX_PINS} posts")
            post.pinned_at = utcnow()
            session.add(post)
            await _announce_pin(session, services, account, post)
            await session.commit()
            await session.refresh(post)
    services.cache.forget_account(account.username)  # the featured collection changed
    services.wake_worker()
    return post


async def unpin_status(services: Services, account: Account, value: str | int) -> Post:
    async with services.sessions() as session:
        post = await _own_post(session, services, account, value)
        if post.pinned_at is not None:
            post.pinned_at = None
            session.add(post)
            await _announce_pin(session, services, account, post)
            await session.commit()
            await session.refresh(post)
    services.cache.forget_account(account.username)
    services.wake_worker()
    return post


async def status_source(services: Services, account: Account, value: str | int) -> Post:
    """One's own post, for its source text (what the artist typed) before an edit."""
    async with services.sessions() as session:
        return await _own_post(session, services, account, value)


async def status_history(services: Services, viewer: Account | None, value: str | int) -> tuple[Post, list[Version]]:
    """A post the viewer may see and its versions, oldest first, the current one last."""
    async with services.sessions() as session:
        me = await local_actor(session, services.urls, viewer) if viewer is not None else None
        status = await find_status(session, me, value)
        if not isinstance(status, Post):
            raise NotFound()  # fediart keeps no history of remote posts or boosts
        edits = (await session.exec(select(PostEdit).where(PostEdit.post_id == status.id)
                                    .order_by(PostEdit.id))).all()
        current = (await session.exec(select(Media).where(Media.post_id == status.id)
                                      .order_by(Media.position))).all()
        ids = {i for e in edits for m in e.media if (i := parse_id(str(m.get("id", "")))) is not None}
        stored = {m.id: m for m in (await session.exec(select(Media).where(Media.id.in_(ids)))).all()} if ids else {}
        versions = []
        for edit in edits:
            media = []
            for item in edit.media:
                row = stored.get(parse_id(str(item.get("id", ""))))
                if row is not None:  # images removed by a later edit are gone; the text stays
                    media.append(Media.model_validate({**row.model_dump(), "description": item.get("description", "")}))
            versions.append(Version(edit.content, edit.summary, edit.sensitive, edit.created_at, media))
        versions.append(Version(status.content, status.summary, status.sensitive,
                                status.updated or status.published, list(current)))
    return status, versions


async def show_status(services: Services, viewer: Account | None, value: str | int) -> Post | RemotePost | Interaction:
    """A status (post, remote post or boost) the viewer may see; NotFound otherwise."""
    async with services.sessions() as session:
        me = await local_actor(session, services.urls, viewer) if viewer is not None else None
        found = await find_status(session, me, value)
        await session.commit()  # local_actor may have made the viewer's row
    return found


async def status_context(services: Services, viewer: Account | None,
                         value: str | int) -> tuple[list[Post | RemotePost], list[Post | RemotePost]]:
    """(ancestors, descendants) of a status the viewer may see, from the posts fediart holds."""
    async with services.sessions() as session:
        me = await local_actor(session, services.urls, viewer) if viewer is not None else None
        post = await original(session, await find_status(session, me, value))
        up = await ancestors(session, services.urls, me, post)
        down = await descendants(session, services.urls, me, post)
        await session.commit()
    return up, down
