"""An artist changes their profile or licence choices: the account row changes, new avatar or header
images are processed and stored, and every follower's server hears Update{Person}, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from fediart.actions.errors import ActionError
from fediart.licence.catalogue import licence_by_key
from fediart.credentials.renditions import for_account as content_signer_for
from fediart.media.images import MediaError, process_upload
from fediart.media.store import save_image
from fediart.outbox.profile import send_profile_update
from fediart.services import Services
from fediart.store.actors import local_actor
from fediart.store.tables import Account, utcnow
from fediart.text import plain_to_html

MAX_FIELDS = 4  # Mastodon shows no more
FIELD_NAME_MAX = 255
FIELD_VALUE_MAX = 2047
DISPLAY_NAME_MAX = 200
BIO_MAX = 5000


@dataclass
class ProfileChanges:
    """What to change; None leaves a setting as it is."""

    display_name: str | None = None
    bio: str | None = None  # plain text; links become clickable
    fields: list[dict[str, str]] | None = None  # replaces all fields
    avatar: bytes | None = None
    header: bytes | None = None
    locked: bool | None = None  # manually approves followers
    discoverable: bool | None = None
    indexable: bool | None = None  # search engines may index the artist's pages
    hide_collections: bool | None = None  # followers and following show their counts only
    hide_ai_media: bool | None = None  # the artist's own timelines leave out AI-labelled images
    licence_key: str | None = None
    ai_training_reserved: bool | None = None
    generative_only: bool | None = None
    acquire_licence_url: str | None = None  # "" clears it (the licensing page is used then)
    copyright_holder: str | None = None  # "" clears it (the display name is used then)
    image_names: dict[str, str] | None = None  # "avatar" -> the file name, for error messages


def clean_fields(raw: list[dict[str, str]]) -> list[dict[str, str]]:
    """Profile fields as stored: stripped, empty pairs dropped; ActionError beyond the limits."""
    fields = []
    for item in raw:
        name, value = str(item.get("name") or "").strip(), str(item.get("value") or "").strip()
        if not name and not value:
            continue
        if not name:
            raise ActionError(f"Validation failed: profile field with value {value[:40]!r} has no name")
        if len(name) > FIELD_NAME_MAX or len(value) > FIELD_VALUE_MAX:
            raise ActionError(f"Validation failed: profile field {name[:40]!r} is too long")
        fields.append({"name": name, "value": value})
    if len(fields) > MAX_FIELDS:
        raise ActionError(f"Validation failed: at most {MAX_FIELDS} profile fields (Mastodon shows no more)")
    return fields


def _web_address(url: str) -> bool:
    try:
        parts = urlsplit(url)
        return parts.scheme in ("https", "http") and bool(parts.hostname) and len(url) <= 2000 \
            and not any(c.isspace() or ord(c) < 32 for c in url)
    except ValueError:
        return False


# A setting only the artist's own timelines read: changing it alone tells no other server anything.
_AI_FILTER = "AI media filter"


def _apply(account: Account, changes: ProfileChanges) -> list[str]:
    changed = []
    if changes.display_name is not None:
        if len(changes.display_name.strip()) > DISPLAY_NAME_MAX:
            raise ActionError(f"Validation failed: display name is longer than {DISPLAY_NAME_MAX} characters")
        account.display_name = changes.display_name.strip()
        changed.append("display name")
    if changes.bio is not None:
        if len(changes.bio) > BIO_MAX:
            raise ActionError(f"Validation failed: bio is longer than {BIO_MAX} characters")
        account.summary = plain_to_html(changes.bio) if changes.bio.strip() else ""
        changed.append("bio")
    if changes.fields is not None:
        account.fields = clean_fields(changes.fields)
        changed.append("fields")
    if changes.licence_key is not None:
        try:
            licence_by_key(changes.licence_key)
        except KeyError as exc:
            raise ActionError(f"Validation failed: {exc.args[0]}") from None
        account.licence_key = changes.licence_key
        changed.append("licence")
    if changes.ai_training_reserved is not None:
        account.ai_training_reserved = changes.ai_training_reserved
        changed.append("AI training")
    if changes.generative_only is not None:
        account.generative_only = changes.generative_only
        changed.append("generative AI only")
    if changes.acquire_licence_url is not None:
        url = changes.acquire_licence_url.strip()
        if url and not _web_address(url):
            raise ActionError("Validation failed: the licence request address must be an http(s) URL")
        account.acquire_licence_url = url or None
        changed.append("licence request address")
    if changes.copyright_holder is not None:
        holder = changes.copyright_holder.strip()
        if len(holder) > 200:
            raise ActionError("Validation failed: copyright holder is longer than 200 characters")
        account.copyright_holder = holder or None
        changed.append("copyright holder")
    if changes.indexable is not None:
        account.search_indexing = account.indexable = changes.indexable
        changed.append("search indexing")
    if changes.discoverable is not None:
        account.discoverable = changes.discoverable
        changed.append("discoverable")
    if changes.locked is not None:
        account.manually_approves_followers = changes.locked
        changed.append("follower approval")
    if changes.hide_collections is not None:
        account.hide_collections = changes.hide_collections
        changed.append("hidden collections")
    if changes.hide_ai_media is not None:
        account.hide_ai_media = changes.hide_ai_media
        changed.append(_AI_FILTER)
    return changed


def _store_image(services: Services, account: Account, data: bytes, what: str, name: str | None) -> str:
    """Process an avatar or header like any upload (metadata stripped, licence written) and store it."""
    media = services.config.media
    try:
        image = process_upload(data, services.licence_for(account), max_bytes=media.max_upload_mb * 2**20,
                               max_pixels=media.max_megapixels * 1_000_000)
    except MediaError as exc:
        raise ActionError(f"{what} {name}: {exc}" if name else f"{what}: {exc}") from None
    licence = services.licence_for(account)
    return save_image(services.storage_for(licence), account.username, image, account_id=account.id, alt=what,
                      sign=content_signer_for(services, account, licence, title=what, source=data)).file


async def update_profile(services: Services, account: Account, changes: ProfileChanges) -> tuple[Account, list[str]]:
    """Apply the changes, store new images and queue Update{Person}; returns the account and what changed
    (nothing is written when nothing changed)."""
    async with services.sessions() as session:
        row = await session.get(Account, account.id)
        if row is None or row.kind != "person":
            raise ActionError("Record not found", 404)
        changed = _apply(row, changes)
        for what, data in (("avatar", changes.avatar), ("header", changes.header)):
            if data is not None:
                setattr(row, f"{what}_file", _store_image(services, row, data, what,
                                                                (changes.image_names or {}).get(what)))
                changed.append(what)
        if not changed:
            return row, []
        session.add(row)
        if changed != [_AI_FILTER]:
            row.updated_at = utcnow()
            await local_actor(session, services.urls, row)  # its display name is a copy for joins
            await send_profile_update(session, services, row)
        await session.commit()
        await session.refresh(row)
    services.cache.forget_account(row.username)
    services.wake_worker()
    return row, changed
