"""What the database says is stored: every object name a row holds, with the licence headers it carries.

Media rows name up to four objects (file, display rendition, thumbnail, original); accounts name their
avatar and header. A signed object's manifest "<name>.c2pa" belongs to `name` and carries its licence.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import or_, select

from fediart.activitypub.convert import post_licence
from fediart.licence.headers import http_headers
from fediart.media.store import SIDECAR, stored_names
from fediart.services import Services
from fediart.store.tables import Account, Media, Post


async def known_objects(services: Services) -> dict[str, dict[str, str]]:
    """Every object name the database holds, mapped to the licence headers it is served with."""
    async with services.sessions() as session:
        media = (await session.exec(
            select(Media, Account, Post).join(Account, Account.id == Media.account_id)
            .join(Post, Post.id == Media.post_id, isouter=True))).all()
        accounts = (await session.exec(select(Account).where(
            or_(Account.avatar_file.is_not(None), Account.header_file.is_not(None))))).all()
    known: dict[str, dict[str, str]] = {}
    for row, account, post in media:
        headers = http_headers(post_licence(services.licence_for(account), post.licence_key if post else None))
        for name in stored_names(row):
            known[name] = headers
    for account in accounts:
        headers = http_headers(services.licence_for(account))
        for name in (account.avatar_file, account.header_file):
            if name:
                known[name] = headers
    return known


def owner_of(name: str) -> str:
    """The object a manifest belongs to ("x.png" for "x.png.c2pa"), or the name itself."""
    return name.removesuffix(SIDECAR)


def licence_headers_of(name: str, known: Mapping[str, Mapping[str, str]],
                       fallback: Mapping[str, str]) -> Mapping[str, str]:
    """The licence headers of an object (its owner's for a manifest); `fallback` for one no row names."""
    return known.get(owner_of(name), fallback)
