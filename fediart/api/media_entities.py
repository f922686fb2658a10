"""Images as Mastodon MediaAttachment entities: ours with their renditions and focal point, remote ones
by their remote URL. `meta.original` and `meta.small` carry true sizes, which Ivory and Ice Cubes lay
out by."""

from __future__ import annotations

from typing import Any

from fediart.media.provenance import is_ai_generated, normalise_source_type
from fediart.store.tables import Media

def _meta(width: int | None, height: int | None) -> dict[str, Any]:
    if not width or not height:
        return {}
    return {"width": width, "height": height, "size": f"{width}x{height}", "aspect": width / height}


def media_to_api(media: Media, urls: Any) -> dict[str, Any]:
    small_w, small_h = _thumbnail_size(media.width, media.height)
    return {
        "id": str(media.id),
        "type": "gifv" if media.media_type == "video/mp4" else "image",
        "url": urls.media(media.file),
        "preview_url": urls.media(media.thumbnail_file),
        "remote_url": None,
        "preview_remote_url": None,
        "text_url": None,
        "meta": {
            "original": _meta(media.width, media.height),
            "small": _meta(small_w, small_h),
            "focus": {"x": media.focal_x, "y": media.focal_y},
        },
        "description": media.description or None,
        "blurhash": media.blurhash or None,
        # fediart extensions: how it was made (IPTC URL, null when unknown) and the label it earns.
        "digital_source_type": media.digital_source_type or None,
        "ai_generated": is_ai_generated(media.digital_source_type),
    }


def _thumbnail_size(width: int, height: int, edge: int = 640) -> tuple[int, int]:
    scale = min(1.0, edge / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def remote_attachment_to_api(post_id: int, index: int, item: dict[str, Any]) -> dict[str, Any]:
    """A remote post's attachment, shown by its remote URL (fediart does not cache remote media yet)."""
    url = item.get("url")
    kind = str(item.get("media_type") or "")
    entity_type = ("image" if kind.startswith("image/") or not kind else "video" if kind.startswith("video/")
                   else "audio" if kind.startswith("audio/") else "unknown")
    return {
        # Remote attachments have no row; an id derived from the post's keeps them apart and numeric.
        "id": str(post_id * 16 + index),
        "type": entity_type,
        "url": url,
        "preview_url": url,
        "remote_url": url,
        "preview_remote_url": None,
        "text_url": None,
        "meta": {"original": _meta(item.get("width"), item.get("height")),
                 "focus": {"x": item.get("focal_x") or 0.0, "y": item.get("focal_y") or 0.0}},
        "description": item.get("description") or None,
        "blurhash": item.get("blurhash") or None,
        "digital_source_type": normalise_source_type(item.get("digital_source_type")) or None,
        "ai_generated": is_ai_generated(normalise_source_type(item.get("digital_source_type"))),
    }
