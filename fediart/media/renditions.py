"""Which stored file of an image a page shows at which width: the display rendition, the srcset candidates.

Sizes come from the row (the renditions' are computed as the pipeline made them), so a page states
width and height without opening every file; only an image shown as its own file is peeked at, to
learn whether it moves (a still thumbnail must not stand in for an animation).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fediart.media.images import DISPLAY_SIZE, THUMBNAIL_SIZE, rendition_size
from fediart.store.tables import Media

if TYPE_CHECKING:
    from fediart.media.storage import Storage

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_WEBP_ANIMATION_FLAG = 0x02  # VP8X flags: "animation"
_PNG_CHUNKS_READ = 64  # acTL comes before the image data, after a handful of chunks at most
_HEAD_READ = 256 * 1024  # how much of a file is read to find those chunks (metadata chunks are small)


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int


@dataclass(frozen=True)
class Shown:
    """How a page shows one image: `display` in the page, `full` behind its link, `candidates` for srcset."""

    full: Rendition
    display: Rendition
    candidates: list[Rendition]  # narrowest first, one per width

    @property
    def srcset(self) -> str:
        return ", ".join(f"{c.url} {c.width}w" for c in self.candidates)


def _png_is_animated(head: bytes) -> bool:
    at = len(_PNG_SIGNATURE)
    for _ in range(_PNG_CHUNKS_READ):
        if at + 8 > len(head):
            return False
        length, kind = struct.unpack(">I4s", head[at:at + 8])
        if kind == b"acTL":
            return True
        if kind in (b"IDAT", b"IEND"):
            return False
        at += 8 + length + 4  # the header, the chunk's data and CRC
    return False


def moves(media: Media, storage: Storage, name: str) -> bool:
    """Whether the stored file is (or may be) an animation; a missing file counts as a still."""
    if media.media_type == "image/gif":
        return True  # GIFs are mostly animations, and their thumbnails always stills
    try:
        head = storage.read_prefix(name, _HEAD_READ)
        if head[:4] == b"RIFF" and head[8:16] == b"WEBPVP8X":
            return bool(head[20] & _WEBP_ANIMATION_FLAG)
        if head[:8] == _PNG_SIGNATURE:
            return _png_is_animated(head)
    except (OSError, ValueError, struct.error, IndexError):
        return False
    return False


def shown(media: Media, storage: Storage, url_of: Callable[[str], str]) -> Shown:
    """The renditions of a stored image as a page uses them (may read the file: call from a worker thread)."""
    full = Rendition(url_of(media.file), media.width, media.height)
    if media.display_file and media.display_file != media.file:
        display = Rendition(url_of(media.display_file), *rendition_size(media.width, media.height, DISPLAY_SIZE))
        animated = False  # only stills get a display rendition of their own
    else:
        display = full  # small enough, an animation, or stored before display renditions existed
        animated = moves(media, storage, media.file)
    candidates: dict[int, Rendition] = {}
    if not animated:
        thumb = Rendition(url_of(media.thumbnail_file), *rendition_size(media.width, media.height, THUMBNAIL_SIZE))
        candidates[thumb.width] = thumb
    # Later ones win a tie of widths: the same pixels, better encoded (the thumbnail is lossier).
    candidates[display.width] = display
    candidates[full.width] = full
    return Shown(full=full, display=display, candidates=sorted(candidates.values(), key=lambda c: c.width))
