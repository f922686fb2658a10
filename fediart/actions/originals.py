"""Protected originals, shared by the CLI, the client API and the studio: where an artist's original is,
who may fetch it (account default, post override), and signed download links for one original.

A link's secret is shown once, when issued; only its SHA-256 is stored, and a fetch finds the row by
that hash (an indexed equality, so the time taken does not depend on how much of a guess was right).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from fediart.actions.errors import ActionError, NotFound
from fediart.actions.media import get_media
from fediart.oauth.tokens import digest, new_secret
from fediart.services import Services
from fediart.store.original_tables import DownloadLink
from fediart.store.states import OriginalAccess
from fediart.store.tables import Account, Media, Post, utcnow
from fediart.store.ids import parse_id

MAX_LABEL = 200
MAX_EXPIRY = timedelta(days=365)
_DURATION_RE = re.compile(r"^\s*(\d{1,6})\s*([smhdw]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}

# What the studio's selects offer, strictest first (a post's select adds "as my profile says").
ACCESS_CHOICES = (
    (OriginalAccess.ARTIST.value, "Only me"),
    (OriginalAccess.LOCAL.value, "Artists signed in on this instance"),
    (OriginalAccess.FOLLOWERS.value, "Also my followers' servers (signed fetches)"),
    (OriginalAccess.EVERYONE.value, "Everyone"),
)


def original_url(services: Services, media: Media) -> str | None:
    """The address of the image's full-resolution original; None when the file is the original itself."""
    return f"{services.config.base_url}/{media.original_file}" if media.original_file else None


def download_url(services: Services, secret: str) -> str:
    return f"{services.config.base_url}/originals/download/{secret}"


def parse_access(value: str | None, *, allow_none: bool = False) -> OriginalAccess | None:
    """An OriginalAccess from a form or API value ("" or "account" means the account's, where allowed)."""
    text = (value or "").strip().lower()
    if allow_none and text in ("", "account", "default"):
        return None
    try:
        return OriginalAccess(text)
    except ValueError:
        choices = ", ".join(a.value for a in OriginalAccess)
        raise ActionError(f"Validation failed: original_access must be one of {choices}") from None


def parse_duration(value: str | int | None, default: timedelta = timedelta(days=7)) -> timedelta:
    """"7d", "12h", "30m", "3600" (seconds); at most a year."""
    if value is None or str(value).strip() == "":
        return default
    found = _DURATION_RE.match(str(value))
    if found is None or int(found.group(1)) <= 0:
        raise ActionError("Validation failed: expiry must be like 7d, 12h, 30m or a number of seconds")
    duration = timedelta(seconds=int(found.group(1)) * _UNITS[found.group(2)])
    if duration > MAX_EXPIRY:
        raise ActionError("Validation failed: a download link lasts at most 365 days")
    return duration


async def set_account_access(services: Services, account: Account, value: str) -> Account:
    access = parse_access(value)
    async with services.sessions() as session:
        row = await session.get(Account, account.id)
        row.original_access = access.value
        session.add(row)
        await session.commit()
        await session.refresh(row)
    return row


async def set_post_access(services: Services, account: Account, post_id: int, value: str | None) -> Post:
    """A post's own rule, or None to follow the account's."""
    access = parse_access(value, allow_none=True)
    async with services.sessions() as session:
        post = await session.get(Post, post_id)
        if post is None or post.account_id != account.id or post.deleted_at is not None:
            raise NotFound()
        post.original_access = access.value if access else None
        session.add(post)
        await session.commit()
        await session.refresh(post)
    return post


async def issue_link(services: Services, account: Account, media_id: str | int,
                     expires_in: str | int | timedelta | None = None, label: str = "") -> tuple[DownloadLink, str]:
    """A new download link for one of the artist's originals: the row and its URL (the secret, shown once)."""
    media = await get_media(services, account, media_id)
    if not media.original_file:
        # A small upload is federated whole: its file is the original, and already public.
        raise ActionError("Validation failed: this image has no separate original; its file is full size")
    duration = expires_in if isinstance(expires_in, timedelta) else parse_duration(expires_in)
    label = (label or "").strip()
    if len(label) > MAX_LABEL:
        raise ActionError(f"Validation failed: the label is longer than {MAX_LABEL} characters")
    secret = new_secret()
    now = utcnow()
    row = DownloadLink(token_hash=digest(secret), media_id=media.id, account_id=account.id, label=label,
                       created_at=now, expires_at=now + duration)
    async with services.sessions() as session:
        session.add(row)
        await session.commit()
        await session.refresh(row)
    return row, download_url(services, secret)


async def list_links(services: Services, account: Account, media_id: int | None = None) -> list[DownloadLink]:
    """The artist's links, newest first (expired and revoked ones too: the list is their record)."""
    query = select(DownloadLink).where(DownloadLink.account_id == account.id)
    if media_id is not None:
        query = query.where(DownloadLink.media_id == media_id)
    async with services.sessions() as session:
        return list((await session.exec(query.order_by(DownloadLink.id.desc()))).all())


async def revoke_link(services: Services, account: Account, link_id: str | int) -> DownloadLink:
    found = parse_id(str(link_id).strip())
    async with services.sessions() as session:
        row = await session.get(DownloadLink, found) if found is not None else None
        if row is None or row.account_id != account.id:
            raise NotFound()
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            session.add(row)
            await session.commit()
            await session.refresh(row)
    return row


def _aware(moment: datetime) -> datetime:
    # SQLite gives naive datetimes back; they were stored as UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def link_state(row: DownloadLink) -> str:
    if row.revoked_at is not None:
        return "revoked"
    return "expired" if _aware(row.expires_at) <= utcnow() else "active"


async def media_for_secret(services: Services, secret: str) -> Media | None:
    """The image a live link's secret opens; None when unknown, expired or revoked."""
    async with services.sessions() as session:
        row = (await session.exec(select(DownloadLink).where(DownloadLink.token_hash == digest(secret)))).first()
        if row is None or link_state(row) != "active":
            return None
        return await session.get(Media, row.media_id)
