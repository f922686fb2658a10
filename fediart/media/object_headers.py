"""The HTTP headers a stored object carries with it on object storage, so a CDN can serve it as fediart does."""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping

from fediart.media.encode import EXTENSIONS, MEDIA_TYPES

SIDECAR_TYPE = "application/c2pa"
# The name is random and never reused: caches may keep a rendition for good.
RENDITION_CACHING = "public, max-age=31536000, immutable"
# Originals are served only to whom the artist allows, by fediart itself: no cache may keep one.
ORIGINAL_CACHING = "private, no-store"
# Said by whoever writes a signed object to the storage (media/store.py write_signed): a manifest is beside it.
MANIFEST = "X-Fediart-Manifest"
_TYPE_BY_EXTENSION = {extension: MEDIA_TYPES[fmt] for fmt, extension in EXTENSIONS.items()}


def object_media_type(name: str) -> str:
    """The Content-Type of a stored object, from its name (what save_image and the sidecars are named)."""
    if name.endswith(".c2pa"):
        return SIDECAR_TYPE
    extension = name.rpartition(".")[2].lower()
    return _TYPE_BY_EXTENSION.get(extension) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def manifest_link(name: str) -> str:
    """The Link announcing the object's detached Content Credentials manifest, as media/routes.py sends it;
    a relative reference (RFC 8288), so it points beside the object wherever it is served from."""
    return f'<{name.rpartition("/")[2]}.c2pa>; rel="c2pa-manifest"'


def object_headers(name: str, licence_headers: Mapping[str, str], *, manifest: bool = False) -> dict[str, str]:
    """Content-Type, Cache-Control, Content-Disposition and the licence headers for the object `name`
    (with `manifest`, its Link also announces the Content Credentials manifest beside it)."""
    from fediart.media.store import ORIGINALS

    file = name.rpartition("/")[2]
    headers = {
        "Content-Type": object_media_type(name),
        "Cache-Control": ORIGINAL_CACHING if name.startswith(f"{ORIGINALS}/") else RENDITION_CACHING,
        "Content-Disposition": f'inline; filename="{file}"',
        **licence_headers,
    }
    if manifest:
        headers["Link"] = ", ".join(filter(None, (headers.get("Link"), manifest_link(name))))
    return headers
