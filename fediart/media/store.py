"""Storing processed images (original, display rendition, thumbnail) in the media storage, and removing
them when their post is deleted.

Files are named "<username>/<random>.<ext>": unguessable, because media of followers-only posts
is served to whoever has the URL (remote servers fetch attachments unsigned). Each object is written
whole or not at all (media/storage.py: on disk a hidden temporary file flushed and renamed into place;
on S3 one PUT), so a crash or a full disk never leaves a half-written image under a name that could
be served.
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from fediart.media.images import ProcessedImage
from fediart.media.object_headers import MANIFEST
from fediart.store.tables import Media

if TYPE_CHECKING:
    from fediart.credentials.renditions import RenditionSigner
    from fediart.media.storage import Storage

log = logging.getLogger("fediart.media")
SIDECAR = ".c2pa"  # the detached Content Credentials manifest of "<name>" is "<name>.c2pa"
ORIGINALS = "originals"  # the tree of full-resolution originals, kept apart from what /media serves


def _fsync_directory(directory: Path) -> None:
    # The rename is durable only once the directory entry is on disk too.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse to fsync a directory; the data itself is synced
    finally:
        os.close(fd)


def write_atomically(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all: temporary file in the same directory, fsync, rename."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o644)  # mkstemp makes 0600; a front proxy serving the files must read them
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def write_signed(storage: Storage, name: str, data: bytes, sign: RenditionSigner | None,
                 parent: bytes | None = None) -> list[str]:
    """Write one file, signed with its Content Credentials when a signer is given, and the detached
    manifest beside it; the names written (CPU and I/O work: call from a worker thread)."""
    signed = sign.sign(data, parent=parent) if sign is not None else None
    if signed is None:
        storage.put(name, data)
        return [name]
    # The manifest first: the file's stored headers announce it (media/object_headers.py).
    storage.put(sidecar(name), signed.manifest)
    try:
        storage.put(name, signed.data, {MANIFEST: "yes"})
    except BaseException:
        storage.delete(sidecar(name))
        raise
    return [name, sidecar(name)]


def sidecar(name: str) -> str:
    """The name of the detached Content Credentials manifest of the object `name`."""
    return name + SIDECAR


def save_image(storage: Storage, username: str, image: ProcessedImage, *, account_id: int, alt: str,
               position: int = 0, sign: RenditionSigner | None = None) -> Media:
    """Write the original, the display rendition (when it is not the original itself) and the
    thumbnail, each signed by `sign` when given (the XMP already inside, so it is covered by the
    signature); the Media row describing them (added to no session).

    If any write fails, none of the files remains.
    """
    stem = secrets.token_hex(12)
    full = ""
    if image.full_resolution is not None:
        # Its own random name in its own tree: nothing about a rendition's URL leads to it, and the
        # public media route serves nothing under ORIGINALS.
        full = f"{ORIGINALS}/{username}/{secrets.token_hex(16)}.{image.full_extension}"
    original = f"{username}/{stem}.{image.extension}"
    thumbnail = f"{username}/{stem}-small.{image.thumbnail_extension}"
    display = f"{username}/{stem}-display.{image.display_extension}" if image.display is not None else original
    files = [(original, image.original), (thumbnail, image.thumbnail)]
    if image.display is not None:
        files.append((display, image.display))
    if full:
        files.append((full, image.full_resolution))
    written: list[str] = []
    try:
        for name, data in files:
            written.extend((name, sidecar(name)))  # before the write: a failure half-way is cleaned too
            write_signed(storage, name, data, sign)
    except BaseException:
        _remove(storage, written)
        raise
    return Media(
        account_id=account_id,
        position=position,
        file=original,
        thumbnail_file=thumbnail,
        display_file=display,
        media_type=image.media_type,
        thumbnail_media_type=image.thumbnail_media_type,
        width=image.width,
        height=image.height,
        blurhash=image.blurhash,
        focal_x=image.focal_point[0],
        focal_y=image.focal_point[1],
        description=alt,
        original_file=full,
    )


def stored_names(row: Media) -> list[str]:
    """The files one Media row names, each once: the display rendition may be the file itself, and
    images stored before it existed have none ("")."""
    names = (row.file, row.display_file, row.thumbnail_file, row.original_file)
    return list(dict.fromkeys(name for name in names if name))


def _remove(storage: Storage, names: Iterable[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except (OSError, ValueError) as exc:
            log.error("could not delete %s: %s", name, exc)


def delete_files(storage: Storage, media: Iterable[Media]) -> None:
    """Remove the files of these Media rows and their manifests; missing files are fine, other failures
    (and names that could leave the storage) are logged."""
    _remove(storage, [each for row in media for name in stored_names(row) for each in (name, sidecar(name))])
