"""Publishing a post: text and images in; Post, Media, the activity and its deliveries out, together.

create_post, edit_post and delete_post each commit exactly once: the post's rows and the
activity's delivery rows are written in one transaction, so a crash can lose neither without the
other (the worker delivers later). Slow or fallible work (mention look-ups, image processing,
writing files) happens before the transaction opens; if anything fails, the files written for the
post are removed again and nothing is left behind.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete as sa_delete, update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.activitypub.convert import (
    VISIBILITIES,
    create_activity,
    delete_activity,
    mentioned_uris,
    post_licence,
    post_to_ap,
    update_activity,
)
from fediart.config import LANGUAGE_RE
from fediart.licence.catalogue import licence_by_key
from fediart.inbox.local import local_post_id
from fediart.licence.model import Licence
from fediart.credentials.renditions import for_account as content_signer_for
from fediart.media.images import MediaError, process_upload
from fediart.media.store import delete_files, save_image
from fediart.outbox.audience import blocked_either_way, follower_inboxes, inbox_of
from fediart.outbox.compose import find_handles, render_text
from fediart.outbox.enqueue import enqueue
from fediart.outbox.mentions import ReplyError, record_mentions, replied_account, resolve_mentions, resolve_reply
from fediart.services import Services
from fediart.store.posts import media_for
from fediart.store.tables import (
    Account,
    Actor,
    Delivery,
    Media,
    OutboxActivity,
    Post,
    PostEdit,
    utcnow,
)

MAX_TEXT = 5000
MAX_IMAGES = 4  # Mastodon keeps at most four attachments of a remote post
MAX_ALT = 1500  # Mastodon's limit for a description
MAX_CW = 1000  # the column's size


class PublishError(Exception):
    """A post that cannot be published or changed as asked, worded for the artist."""


def _check_text(text: str, image_count: int) -> None:
    if not text.strip() and image_count == 0:
        raise PublishError("a post needs text or at least one image")
    if len(text) > MAX_TEXT:
        raise PublishError(f"the text is {len(text)} characters long; the limit is {MAX_TEXT}")


def _check_cw(cw: str) -> None:
    if len(cw) > MAX_CW:
        raise PublishError(f"the content warning is longer than {MAX_CW} characters")


def _check_language(language: str | None) -> None:
    if language is not None and not LANGUAGE_RE.match(language):
        raise PublishError(f"{language!r} is not a language tag like en, pt-BR or zh-Hant")


def _check_new(text: str, image_count: int, cw: str, visibility: str, licence_key: str | None) -> None:
    if visibility not in VISIBILITIES:
        raise PublishError(f"unknown visibility {visibility!r}; use one of {', '.join(VISIBILITIES)}")
    if licence_key is not None:
        try:
            licence_by_key(licence_key)
        except KeyError as exc:
            raise PublishError(exc.args[0]) from None
    if image_count > MAX_IMAGES:
        raise PublishError(f"at most {MAX_IMAGES} images per post (Mastodon shows no more)")
    _check_text(text, image_count)
    _check_cw(cw)


def _check_alt(alt: str, number: int) -> None:
    if len(alt) > MAX_ALT:
        raise PublishError(f"the description of image {number} is longer than {MAX_ALT} characters")
    if "\x00" in alt:
        # PostgreSQL cannot store a NUL in text; no person types one.
        raise PublishError(f"the description of image {number} contains a NUL character")


async def _render(session: AsyncSession, services: Services, text: str,
                  unlinked: dict[str, str] | None) -> tuple[str, list[dict]]:
    mentions = await resolve_mentions(session, services, find_handles(text), unlinked)
    return render_text(text, mentions, services.urls.tag)


async def audience(session: AsyncSession, account: Account, post: Post) -> set[str]:
    """The inboxes a post's activities go to: followers (unless direct) and mentioned actors."""
    inboxes = set() if post.visibility == "direct" else await follower_inboxes(session, account.id)
    mentioned = mentioned_uris(post)
    if mentioned:
        blocked = blocked_either_way(account.id)
        # Artists of this instance read the post from the database: no HTTP delivery to ourselves.
        rows = await session.exec(select(Actor).where(
            Actor.uri.in_(mentioned), Actor.gone == False, Actor.account_id.is_(None),  # noqa: E712
            Actor.id.not_in(blocked)))
        inboxes |= {inbox_of(actor) for actor in rows.all()}
    return inboxes


def _licence(services: Services, account: Account, post: Post) -> Licence:
    return post_licence(services.licence_for(account), post.licence_key)


def _language(services: Services) -> str:
    # The instance's language, for posts that do not name their own.
    return services.config.server.default_language


def _finish(services: Services, account: Account, post: Post) -> None:
    # Rendered documents (the post, the outbox, the profile's pages) are stale now, and so is the page of
    # the post this one replies to, when it is ours (it lists its replies), whoever's it is.
    services.cache.forget_account(account.username)
    replied = local_post_id(services, post.in_reply_to)
    if replied is not None:
        services.cache.forget_post_page(replied)
    services.wake_worker()


async def create_post(session: AsyncSession, services: Services, account: Account, text: str = "",
                      images: Sequence[tuple[bytes, str]] = (), *, cw: str = "", sensitive: bool = False,
                      visibility: str = "public", licence_key: str | None = None,
                      reply_to: str | None = None, unlinked: dict[str, str] | None = None,
                      language: str | None = None, attached: Sequence[Media] = (),
                      before_commit: Callable[[Post], Awaitable[None]] | None = None) -> Post:
    """Publish a post; PublishError or MediaError (naming the image) if it cannot be, with nothing kept.

    `language` is the post's BCP 47 tag; None leaves it to [server] default_language.
    `images` are raw uploads processed here; `attached` are Media rows uploaded earlier (actions/media.py),
    in `session`, unattached and the author's (the caller checks), shown after `images`.
    `before_commit`, when given, runs in the post's transaction (e.g. to store an Idempotency-Key).

    Mentions that cannot be found are published as plain text; `unlinked`, when given, receives
    each of them ("user@host") with the reason, for the artist to see.
    """
    cw = cw.strip()
    _check_new(text, len(images) + len(attached), cw, visibility, licence_key)
    _check_language(language)
    for number, (_, alt) in enumerate(images, 1):
        _check_alt(alt, number)
    content, tags = await _render(session, services, text, unlinked)
    in_reply_to = None
    if reply_to:
        try:
            target = await resolve_reply(session, services, account.username, reply_to)
        except ReplyError as exc:
            raise PublishError(str(exc)) from None
        in_reply_to = target.uri
        if target.author is not None and target.author.uri not in {t["href"] for t in tags}:
            # The author replied to is addressed and notified even when the text does not name them.
            tags.append({"type": "Mention", "href": target.author.uri, "name": "@" + target.author.acct})
    if visibility == "direct" and not any(t["type"] == "Mention" for t in tags):
        raise PublishError("a direct post needs at least one @user@server mention that can be found")

    licence = post_licence(services.licence_for(account), licence_key)
    config = services.config.media
    processed = []
    for number, (data, alt) in enumerate(images, 1):
        try:
            # Pillow releases the GIL while it decodes and encodes: keep the event loop free.
            processed.append(await asyncio.to_thread(
                process_upload, data, licence, alt_text=alt, max_bytes=config.max_upload_mb * 2**20,
                max_pixels=config.max_megapixels * 1_000_000, federated_size=config.federated_size or None))
        except MediaError as exc:
            raise MediaError(f"image {number}: {exc}" if len(images) > 1 else str(exc)) from None

    saved: list[Media] = []
    try:
        for position, (image, (_, alt)) in enumerate(zip(processed, images)):
            sign = content_signer_for(services, account, licence, title=alt, source=images[position][0])
            saved.append(await asyncio.to_thread(save_image, services.storage_for(licence), account.username,
                                                 image, account_id=account.id, alt=alt, position=position,
                                                 sign=sign))
        post = Post(account_id=account.id, content=content, source=text, summary=cw, sensitive=sensitive,
                    visibility=visibility, in_reply_to=in_reply_to, tags=tags, licence_key=licence_key,
                    language=language)
        session.add(post)
        await session.flush()
        for position, media in enumerate([*saved, *attached]):
            media.post_id, media.position = post.id, position
            session.add(media)
        await record_mentions(session, services, account, post, notify=True,
                               replied_account=await replied_account(session, services, in_reply_to))
        note = post_to_ap(post, [*saved, *attached], account, services.urls, licence, language=_language(services))
        await enqueue(session, account, create_activity(note, licence), await audience(session, account, post),
                      post_id=post.id)
        if before_commit is not None:
            await before_commit(post)
        await session.commit()
    except BaseException:
        await session.rollback()
        delete_files(services.storage, saved)
        raise
    _finish(services, account, post)
    return post


async def _own_live_post(session: AsyncSession, post_id: int) -> tuple[Post, Account]:
    post = await session.get(Post, post_id)
    if post is None:
        raise PublishError(f"there is no post {post_id}")
    if post.deleted_at is not None:
        raise PublishError(f"post {post_id} was deleted")
    return post, await session.get(Account, post.account_id)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def edit_post(session: AsyncSession, services: Services, post_id: int, *, text: str | None = None,
                    cw: str | None = None, alts: Mapping[int, str] | None = None,
                    unlinked: dict[str, str] | None = None, language: str | None = None,
                    sensitive: bool | None = None, media: Sequence[Media] | None = None,
                    media_changes: Mapping[int, tuple[str | None, tuple[float, float] | None]] | None = None,
                    licence_key: str | None = None) -> Post:
    """Change the text, content warning, language, sensitivity, licence, images or their descriptions;
    sends an Update (with the licence the post has after the edit).

    `alts` numbers images from 1 (the CLI); `media_changes` names them by Media id: (description or None,
    focus or None) (the client API). `media`, when given, is the post's new list of images: rows that were
    the post's or unattached uploads of its author, in `session` (the caller checks); images left out are
    deleted. The version before the edit is kept as a PostEdit row. `unlinked` as for create_post.
    """
    post, account = await _own_live_post(session, post_id)
    current = (await media_for(session, [post.id]))[post.id]
    previous = PostEdit(post_id=post.id, content=post.content, summary=post.summary, sensitive=post.sensitive,
                        media=[{"id": m.id, "description": m.description} for m in current],
                        created_at=post.updated or post.published)
    kept = list(current) if media is None else list(media)
    removed = [m for m in current if m.id not in {k.id for k in kept}]
    changed = False
    if media is not None and [m.id for m in kept] != [m.id for m in current]:
        if len(kept) > MAX_IMAGES:
            raise PublishError(f"at most {MAX_IMAGES} images per post (Mastodon shows no more)")
        for position, row in enumerate(kept):
            row.post_id, row.position = post.id, position
            session.add(row)
        changed = True
    if text is not None:
        _check_text(text, len(kept))
        content, tags = await _render(session, services, text, unlinked)
        # People mentioned before stay addressed, as on Mastodon: the Update must reach them.
        hrefs = {t["href"] for t in tags}
        tags += [t for t in post.tags if t.get("type") == "Mention" and t["href"] not in hrefs]
        post.content, post.source, post.tags = content, text, tags
        changed = True
    elif removed:
        _check_text(post.source, len(kept))
    if cw is not None:
        _check_cw(cw.strip())
        post.summary, changed = cw.strip(), True
    if sensitive is not None:
        post.sensitive, changed = sensitive, True
    if language is not None:
        _check_language(language)
        post.language, changed = language, True
    if licence_key is not None and licence_key != post.licence_key:
        # The caller rewrote the images' files for it (actions/posts.py); the key is checked there.
        post.licence_key, changed = licence_key, True
    for number, alt in (alts or {}).items():
        if not 1 <= number <= len(kept):
            raise PublishError(f"post {post_id} has {len(kept)} image(s); there is no image {number}")
        _check_alt(alt, number)
        kept[number - 1].description = alt
        session.add(kept[number - 1])
        changed = True
    by_id = {m.id: m for m in kept}
    for media_id, (alt, focus) in (media_changes or {}).items():
        row = by_id.get(media_id)
        if row is None:
            raise PublishError(f"media {media_id} is not one of the post's images")
        if alt is not None:
            _check_alt(alt, kept.index(row) + 1)
            row.description = alt
        if focus is not None:
            row.focal_x, row.focal_y = focus
        session.add(row)
        changed = True
    if not changed:
        raise PublishError("nothing to change: give new text, a content warning, a language, a licence "
                           "or an image description")

    # The Update's id holds the edit time in seconds; two edits within a second must still differ.
    earlier = _aware(post.updated or post.published)
    post.updated = max(utcnow(), earlier + timedelta(seconds=1))
    session.add(post)
    session.add(previous)
    for row in removed:
        await session.delete(row)
    licence = _licence(services, account, post)
    note = post_to_ap(post, kept, account, services.urls, licence, language=_language(services))
    try:
        await record_mentions(session, services, account, post, notify=True)
        await enqueue(session, account, update_activity(note, licence), await audience(session, account, post),
                      post_id=post.id)
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    await asyncio.to_thread(delete_files, services.storage, removed)  # a bucket is a network away
    _finish(services, account, post)
    return post


async def delete_post(session: AsyncSession, services: Services, post_id: int, *,
                      keep_media: bool = False) -> Post:
    """Delete a post: a Delete to everyone who got it, the post kept as a tombstone, its files removed.

    With `keep_media` (a client's delete-and-redraft) the images stay as unattached uploads, for the
    redraft to take again; the worker prunes those no post took within UNATTACHED_GRACE."""
    post, account = await _own_live_post(session, post_id)
    media = (await media_for(session, [post.id]))[post.id]
    try:
        # What the artist deleted is not sent any more: undelivered Creates and Updates are dropped.
        earlier = select(OutboxActivity.id).where(OutboxActivity.post_id == post.id)
        await session.exec(update(Delivery).where(Delivery.activity_id.in_(earlier), Delivery.state == "pending")
                           .values(state="gave_up", last_error="the post was deleted before delivery"))
        inboxes = await audience(session, account, post)
        await enqueue(session, account, delete_activity(post, account, services.urls, _licence(services, account, post)),
                      inboxes, post_id=post.id)
        # The tombstone keeps only what the Tombstone and the audience of a late Delete need.
        post.deleted_at = utcnow()
        post.content = post.source = post.summary = ""
        post.pinned_at = None
        session.add(post)
        # Earlier versions are the deleted words too.
        await session.exec(sa_delete(PostEdit).where(PostEdit.post_id == post.id))
        for row in media:
            if keep_media:
                # The grace period counts from now, not from the upload: an old post's images must
                # still be there when the redraft is sent a minute later.
                row.post_id, row.created_at = None, utcnow()
                session.add(row)
            else:
                await session.delete(row)
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    # After the commit: if the commit had failed, the post would still need its files.
    if not keep_media:
        await asyncio.to_thread(delete_files, services.storage, media)
    _finish(services, account, post)
    return post
