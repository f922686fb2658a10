"""What a page shows of one work (a tile in a grid): link, thumbnail, words for its image, warning.

The profile gallery, the front page and the tag pages draw the same tiles (templates/_works.html).
"""

from __future__ import annotations

from typing import Any

from fediart.media.images import THUMBNAIL_SIZE
from fediart.media.provenance import is_ai_generated
from fediart.services import Services
from fediart.store.tables import Account, Media, Post

EXCERPT = 140


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """The start of what the artist typed, on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"


def thumbnail_size(width: int, height: int) -> tuple[int, int]:
    """The thumbnail's size, from the original's: it fits a THUMBNAIL_SIZE square, never enlarged.

    Pages give it as width/height so the grid keeps its shape while images load.
    """
    scale = min(1.0, THUMBNAIL_SIZE / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def artist_name(account: Account) -> str:
    return account.display_name or account.username


def work_tile(services: Services, account: Account, post: Post, cover: Media | None, images: int) -> dict[str, Any]:
    """One tile; `cover` is the first image (None for a post of words only)."""
    urls = services.urls
    words = excerpt(post.source)
    tile: dict[str, Any] = {
        "url": urls.status_page(account.username, post.id),
        "excerpt": words,
        # A content warning or the sensitive flag: the tile stays blurred until the visitor opens it.
        "hidden": bool(post.summary or post.sensitive),
        "warning": post.summary,
        "images": images,
        "thumbnail": None,
    }
    if cover is not None:
        width, height = thumbnail_size(cover.width, cover.height)
        tile.update(
            thumbnail=urls.media(cover.thumbnail_file), width=width, height=height,
            # No image goes unlabelled: the artist's description, else their words, else who made it.
            alt=cover.description.strip() or words or f"Artwork by {artist_name(account)}",
            # Labelled from the cover's declared or signed metadata (fediart.media.provenance).
            ai_generated=is_ai_generated(cover.digital_source_type),
        )
    return tile
