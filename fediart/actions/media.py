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
from fediart.media.provenance import is_ai_generated, normalise_source_type, read_source_type
from fediart.media.storage import StorageError
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
    if description is not None and "\x00" in description:
        # PostgreSQL cannot store a NUL in text; no person types one.
        raise ActionError("Validation failed: the description contains a NUL character")


def parse_source_type(value: str | None) -> str | None:
    """An artist's declaration of how an image was made: None when not given, else its IPTC URL
    (from a short name like `humanEdits` or the URL); ActionError 422 for anything else."""
    if value is None or not str(value).strip():
        return None
    found = normalise_source_type(str(value))
    if not found:
        raise ActionError(f"Validation failed: digital_source_type {value!r} is not an IPTC digital source "
                          "type (e.g. digitalCreation, humanEdits, compositeWithTrainedAlgorithmicMedia, "
                          "trainedAlgorithmicMedia)")
    return found


def declared_source_type(services: Services, value: str | None) -> str | None:
    """parse_source_type, refused (422) when it says AI-generated on an instance that refuses those."""
    declared = parse_source_type(value)
    if declared is not None:
        _refuse_ai(services, declared, declared=True)
    return declared


def _refuse_ai(services: Services, source_type: str, *, declared: bool) -> None:
    if services.config.media.refuse_ai_generated and is_ai_generated(source_type):
        said = "you declared it" if declared else "its metadata says it is"
        raise ActionError(f"Validation failed: this instance does not accept AI-generated images ({said} "
                          f"{source_type.rsplit('/', 1)[-1]})")


async def upload_media(services: Services, account: Account, data: bytes, *, description: str | None = None,
                       focus: str | None = None, licence_key: str | None = None,
                       digital_source_type: str | None = None, ai_metadata_wins: bool = False) -> Media:
    """Process and store an upload; the unattached Media row. The type is read from the bytes, never
    from a file name; ActionError 422 names what is wrong with a file that is not a usable image.

    The file carries the account's licence, or the post's when the caller knows it (`licence_key`; the
    CLI does, a client API upload does not).

    How it was made (`Media.digital_source_type`): the artist's declaration when given (a short IPTC
    name or URL; it wins over the file, so an artist can correct a wrong tag, and is theirs to answer
    for), else what the file's C2PA manifest or IPTC XMP says, read before the pipeline strips them.
    With `[media] refuse_ai_generated`, an upload either one labels AI-generated is refused (422).
    `ai_metadata_wins` (the studio, whose select always sends a value): a file whose metadata says
    AI-generated keeps that label over a non-AI declaration; the artist changes it on the edit page.
    """
    _check_description(description)
    focal = parse_focus(focus)
    declared = declared_source_type(services, digital_source_type)
    try:
        licence = post_licence(services.licence_for(account), licence_key)
    except KeyError as exc:
        raise ActionError(f"Validation failed: {exc.args[0]}") from None
    config = services.config.media
    try:
        # Pillow releases the GIL while it decodes and encodes: keep the event loop free.
        processed = await asyncio.to_thread(
            process_upload, data, licence, alt_text=description or "", max_bytes=config.max_upload_mb * 2**20,
            max_pixels=config.max_megapixels * 1_000_000, federated_size=config.federated_size or None)
    except MediaError as exc:
        raise ActionError(f"Validation failed: {exc}") from None
    # Read only once the bytes proved to be a usable image; the native C2PA reader runs off the loop.
    found = await asyncio.to_thread(read_source_type, data)
    _refuse_ai(services, found, declared=False)
    overridden = ai_metadata_wins and is_ai_generated(found) and not is_ai_generated(declared)
    source_type = found if declared is None or overridden else declared
    # The Content Credentials say how it was made, as the row does (digitalCreation when nobody said).
    sign = content_signer_for(services, account, licence, title=description or "", source=data,
                              digital_source_type=source_type or None)
    try:
        media = await asyncio.to_thread(save_image, services.storage_for(licence), account.username, processed,
                                        account_id=account.id, alt=description or "", sign=sign)
    except StorageError as exc:  # the bucket failed or refused: nothing was kept, the client may retry
        raise ActionError(f"The image could not be stored: {exc}", 503) from None
    media.digital_source_type = source_type
    if focal is not None:
        media.focal_x, media.focal_y = focal
    try:
        async with services.sessions() as session:
            session.add(media)
            await session.commit()
            await session.refresh(media)
    except BaseException:
        delete_files(services.storage, [media])
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
                       description: str | None = None, focus: str | None = None,
                       digital_source_type: str | None = None) -> Media:
    """Change an upload's description, focal point or declared digital source type before it is posted.

    Once attached, a post's images change through the post's edit (it federates an Update), as Mastodon
    requires: changing them here would leave other servers with the old description.
    """
    media = await get_media(services, account, media_id)
    if media.post_id is not None:
        raise ActionError("this image is already posted; edit the post to change its description")
    _check_description(description)
    focal = parse_focus(focus)
    declared = declared_source_type(services, digital_source_type)
    async with services.sessions() as session:
        row = await session.get(Media, media.id)
        if description is not None:
            row.description = description
        if declared is not None:
            row.digital_source_type = declared
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
    await asyncio.to_thread(delete_files, services.storage, rows)
