"""Test support for pages that list works: posts with images written straight into the store (fast,
for pagination), and the tiles a page shows, read back from its HTML."""

from __future__ import annotations

import re
from datetime import timedelta

from fediart.store.tables import Media, Post, utcnow


async def add_work(services, account, *, images: int = 1, source: str = "", summary: str = "", sensitive: bool = False,
                   visibility: str = "public", description: str = "a drawing", pinned: bool = False,
                   deleted: bool = False, tags: list | None = None) -> Post:
    """A post by `account` with `images` images (no files: pages only link to them)."""
    async with services.sessions() as session:
        now = utcnow()
        post = Post(account_id=account.id, content=f"<p>{source}</p>" if source else "", source=source,
                    summary=summary, sensitive=sensitive, visibility=visibility, tags=tags or [],
                    pinned_at=now if pinned else None, deleted_at=now + timedelta(seconds=1) if deleted else None)
        session.add(post)
        await session.flush()
        for position in range(images):
            session.add(Media(account_id=account.id, post_id=post.id, position=position,
                              file=f"{account.username}/{post.id}-{position}.png",
                              thumbnail_file=f"{account.username}/{post.id}-{position}.thumb.jpg",
                              media_type="image/png", thumbnail_media_type="image/jpeg",
                              width=1280, height=960, description=description))
        await session.commit()
        await session.refresh(post)
    return post


def tiles(html: str) -> list[str]:
    """Each tile's HTML, in page order."""
    return re.findall(r'<li class="work[^"]*">(.*?)</li>', html, re.S)


def tile_ids(html: str) -> list[int]:
    """The post ids the tiles link to, in page order."""
    return [int(re.search(r'href="https://art\.example/@\w+/(\d+)"', tile).group(1)) for tile in tiles(html)]
