"""Uploading an image before the post that shows it: processed as the CLI's images are (metadata
stripped, the artist's licence written into the file, thumbnail, blurhash), kept unattached until a
post takes it; its description and focal point can be changed, and only its owner sees it.
"""

from __future__ import annotations

import asyncio

from sqlmodel import select

from fediart.actions.errors import ActionError, NotFound
from fediart.activitypub.convert import post_licence
from fediart.credentials.renditions import for_account as content_signer_for
from fediart.media.images import MediaError, process_upload
from fediart.media.store import delete_files, save_image
from fediart.outbox.publish import MAX_ALT
from fediart.services import Services
from fediart.store.tables import Account, Media
from fediart.store.ids import parse_id


def parse_focus(value: str | None) -> tuple[float, float] | None:
    """Mastodon's focus "x,y", each in -1.0 … 1.0; None when absent; ActionError when unreadable."""
    if value is None or not str(value).strip():
        return None
    parts = str(value).split(",")
    try:
        x, y = (float(p) for p in parts) if len(parts) == 2 else (None, None)
    except ValueError:
        x = y = None
    if x is None or y is None or not (-1.0 <= x <= 1.0 and -1.0 <= y <= 1.0):
        raise ActionError(f"focus must be two numbers from -1.0 to 1.0, like 0.5,-0.25 (not {value!r})")
    return x, y


def _check_description(description: str | None) -> None:
    if description is not None and len(description) > MAX_ALT:
        raise ActionError(f"the description is longer than {MAX_ALT} characters")


async def upload_media(services: Services, account: Account, data: bytes, *, description: str | None = None,
                       focus: str | None = None, licence_key: str | None = None) -> Media:
    """Process and store an upload; the unattached Media row. The type is read from the bytes, never
    from a file name; ActionError 422 names what is wrong with a file that is not a usable image.

    The file carries the account's licence, or the post's when the caller knows it (`licence_key`; the
    CLI does, a client API upload does not).
    """
    _check_description(description)
    focal = parse_focus(focus)
    try:
        licence = post_licence(services.licence_for(account), licence_key)
    except KeyError as exc:
        raise ActionError(f"Validation failed: {exc.args[0]}") from None
    config = services.config.media
    try:
        # Pillow releases the GIL while it decodes and encodes: keep the event loop free.
        processed = await asyncio.to_thread(
            process_upload, data, licence, max_bytes=config.max_upload_mb * 2**20,
            max_pixels=config.max_megapixels * 1_000_000)
    except MediaError as exc:
        raise ActionError(f"Validation failed: {exc}") from None
    sign = content_signer_for(services, account, licence, title=description or "", source=data)
    media = await asyncio.to_thread(save_image, services.media_dir, account.username, processed,
                                    account_id=account.id, alt=description or "", sign=sign)
    if focal is not None:
        media.focal_x, media.focal_y = focal
    try:
        async with services.sessions() as session:
            session.add(media)
            await session.commit()
            await session.refresh(media)
    except BaseException:
        delete_files(services.media_dir, [media])
        raise
    return media


async def get_media(services: Services, account: Account, media_id: str | int) -> Media:
    """One of the account's uploads; NotFound for anyone else's (their existence is not told)."""
    found = parse_id(str(media_id).strip())
    if found is None:
        raise NotFound()
    async with services.sessions() as session:
        media = await session.get(Media, found)
    if media is None or media.account_id != account.id:
        raise NotFound()
    return media


async def update_media(services: Services, account: Account, media_id: str | int, *,
                       description: str | None = None, focus: str | None = None) -> Media:
    """Change an upload's description or focal point before it is posted.

    Once attached, a post's images change through the post's edit (it federates an Update), as Mastodon
    requires: changing them here would leave other servers with the old description.
    """
    media = await get_media(services, account, media_id)
    if media.post_id is not None:
        raise ActionError("this image is already posted; edit the post to change its description")
    _check_description(description)
    focal = parse_focus(focus)
    async with services.sessions() as session:
        row = await session.get(Media, media.id)
        if description is not None:
            row.description = description
        if focal is not None:
            row.focal_x, row.focal_y = focal
        session.add(row)
        await session.commit()
        await session.refresh(row)
    return row


async def discard_uploads(services: Services, account: Account, media_ids: list[int]) -> None:
    """Remove uploads of the account that no post took (a post that failed after its images were in)."""
    async with services.sessions() as session:
        rows = (await session.exec(select(Media).where(Media.id.in_(media_ids), Media.account_id == account.id,
                                                       Media.post_id.is_(None)))).all() if media_ids else []
        for row in rows:
            await session.delete(row)
        await session.commit()
    delete_files(services.media_dir, rows)
