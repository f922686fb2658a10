"""Where media bytes live: one interface with two backends, a local folder and an S3-compatible bucket.

Objects are named by relative paths such as "ana/3f2a….jpg" or "originals/ana/9c1e….png"; the database
stores only these names, so moving every object to the other backend changes no row. The blocking
methods (put, get, delete, head, listing) are for worker threads and commands; the server's request
handlers use the async ones (`open_async`, `exists_async`) to stream a file, or any span of it (a Range
request), without blocking the loop.

On S3 each object carries the HTTP headers it should be served with (Content-Type, Cache-Control,
Content-Disposition as object attributes; the licence headers as user metadata), so a CDN in front of
the bucket can pass the licence on. The local folder keeps only bytes: fediart computes the headers
from the database when it serves a file, as it does for S3 objects too.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from stat import S_ISREG
from typing import Protocol
from urllib.parse import quote

import anyio

from fediart.config import Config, ConfigError, StorageConfig
from fediart.store.states import StorageBackend

ORIGINALS_PREFIX = "originals/"  # what never gets a public URL (media/store.py ORIGINALS)
_ATTRIBUTES = {"content-type": "Content-Type", "cache-control": "Cache-Control",
               "content-disposition": "Content-Disposition"}  # what S3 itself answers with
STREAM_CHUNK = 256 * 1024


class StorageError(OSError):
    """The object store failed (unreachable, refused, misconfigured): an I/O failure like a full disk."""


@dataclass(frozen=True)
class StoredObject:
    """One object as a listing or a head request sees it."""

    name: str
    size: int
    modified: datetime


@dataclass
class Opened:
    """A stored object ready to send: its size and validators, and a way to read any span of its bytes."""

    size: int
    read: Callable[[int, int], AsyncIterator[bytes]]  # the bytes [start, end), in chunks
    etag: str = ""
    modified: datetime | None = None


class Storage(Protocol):
    """What the rest of fediart may do with stored media."""

    def put(self, name: str, data: bytes, headers: Mapping[str, str] | None = None) -> None:
        """Store `data` whole or not at all under `name`; `headers` are what it is served with."""

    def get(self, name: str) -> bytes:
        """The object's bytes; FileNotFoundError when there is none."""

    def read_prefix(self, name: str, length: int) -> bytes:
        """Up to `length` first bytes of the object; FileNotFoundError when there is none."""

    def delete(self, name: str) -> None:
        """Remove the object; one already gone is fine."""

    def head(self, name: str) -> StoredObject | None:
        """Size and age of the object, or None when there is none."""

    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        """Every object whose name starts with `prefix`."""

    def url(self, name: str) -> str | None:
        """Where the public can fetch the object directly (a CDN), or None: fediart serves it."""

    async def open_async(self, name: str, *, prefetch: bool = True) -> Opened | None:
        """The object, ready to stream, or None when there is none. `prefetch` starts fetching all of it
        at once where that saves a round trip; False when a part or no bytes at all may be wanted."""

    async def exists_async(self, name: str) -> bool:
        """Whether the object exists (without reading it)."""


def _checked(name: str) -> str:
    # Names come from the database and from route patterns; refuse anything that could climb out.
    parts = name.split("/")
    if not name or name.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"not a stored object name: {name!r}")
    return name


def public_base(config: Config) -> str:
    """Where a CDN serves the object named "" ("<public_base_url>/<prefix>" on S3), or "" without one."""
    settings = config.storage
    if not settings.public_base_url:
        return ""
    if settings.backend == StorageBackend.S3:
        return f"{settings.public_base_url}/{settings.prefix}".rstrip("/")
    return settings.public_base_url


def public_url(base: str, name: str) -> str | None:
    """The CDN address of an object, or None for originals (never public) and without a base."""
    if not base or name.startswith(ORIGINALS_PREFIX):
        return None
    return f"{base}/{quote(_checked(name))}"


@dataclass
class LocalStorage:
    """Objects as files under one folder (the default; the layout `[media] dir` always had)."""

    root: Path
    public_base: str = ""

    def path(self, name: str) -> Path:
        return self.root / _checked(name)

    def put(self, name: str, data: bytes, headers: Mapping[str, str] | None = None) -> None:
        from fediart.media.store import write_atomically

        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, data)

    def get(self, name: str) -> bytes:
        return self.path(name).read_bytes()

    def read_prefix(self, name: str, length: int) -> bytes:
        with self.path(name).open("rb") as stream:
            return stream.read(length)

    def delete(self, name: str) -> None:
        try:
            self.path(name).unlink()
        except (FileNotFoundError, NotADirectoryError):
            pass  # never written (its folder may not even be one): nothing to remove

    def head(self, name: str) -> StoredObject | None:
        try:
            stat = self.path(name).stat()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return StoredObject(name, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC))

    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        if not self.root.is_dir():
            return
        for folder, directories, files in os.walk(self.root):
            directories[:] = sorted(d for d in directories if not d.startswith("."))
            for file in sorted(files):
                if file.startswith("."):
                    continue  # write_atomically's temporary files are no objects yet
                name = Path(folder, file).relative_to(self.root).as_posix()
                if name.startswith(prefix):
                    found = self.head(name)
                    if found is not None:
                        yield found

    def url(self, name: str) -> str | None:
        return public_url(self.public_base, name)

    async def open_async(self, name: str, *, prefetch: bool = True) -> Opened | None:
        path = self.path(name)
        try:
            info = path.stat()
        except (FileNotFoundError, NotADirectoryError):
            return None
        if not S_ISREG(info.st_mode):
            return None

        async def read(start: int, end: int) -> AsyncIterator[bytes]:
            # anyio reads in a worker thread: a slow disk never stalls the event loop.
            async with await anyio.open_file(path, "rb") as file:
                await file.seek(start)
                while start < end:
                    chunk = await file.read(min(STREAM_CHUNK, end - start))
                    if not chunk:
                        return  # the file was cut short under us: end here rather than ask again forever
                    start += len(chunk)
                    yield chunk

        # Names are never reused, so modification time and size identify the bytes well enough.
        return Opened(size=info.st_size, read=read, etag=f'"{info.st_mtime_ns:x}-{info.st_size:x}"',
                      modified=datetime.fromtimestamp(int(info.st_mtime), UTC))

    async def exists_async(self, name: str) -> bool:
        return self.path(name).is_file()


@dataclass
class S3Storage:
    """Objects in an S3-compatible bucket, through obstore (which signs the requests)."""

    settings: StorageConfig
    public_base: str = ""
    store: object = field(init=False, repr=False)

    def __post_init__(self) -> None:
        from obstore.store import S3Store

        s = self.settings
        options: dict[str, object] = {"region": s.region or "us-east-1"}
        if s.endpoint:
            options["endpoint"] = s.endpoint
            # A self-hosted endpoint (MinIO, Garage) is addressed by path, not by bucket subdomain.
            options["virtual_hosted_style_request"] = False
        if s.access_key_id:
            options["access_key_id"] = s.access_key_id
            options["secret_access_key"] = s.secret_access_key
        client = {"allow_http": True} if s.endpoint.startswith("http://") else {}
        self.store = S3Store(s.bucket, client_options=client, **options)

    def key(self, name: str) -> str:
        return self.settings.prefix + _checked(name)

    def put(self, name: str, data: bytes, headers: Mapping[str, str] | None = None) -> None:
        import obstore

        from fediart.media.object_headers import MANIFEST

        attributes: dict[str, str] = {}
        for header, value in (headers or {}).items():
            if header == MANIFEST:
                continue  # a note for Licensed.put, not a header
            # Metadata must be ASCII; the licence headers are (URLs and tokens).
            attributes[_ATTRIBUTES.get(header.lower(), header.lower())] = value
        with _translated(name):
            # One PUT (or a completed multipart upload): never half-visible under its key.
            obstore.put(self.store, self.key(name), data, attributes=attributes)

    def get(self, name: str) -> bytes:
        import obstore

        with _translated(name):
            return bytes(obstore.get(self.store, self.key(name)).bytes())

    def read_prefix(self, name: str, length: int) -> bytes:
        import obstore

        with _translated(name):
            return bytes(obstore.get_range(self.store, self.key(name), start=0, length=length))

    def attributes(self, name: str) -> dict[str, str]:
        """The headers stored with the object (its attributes and metadata)."""
        import obstore

        with _translated(name):
            return dict(obstore.get(self.store, self.key(name)).attributes)

    def delete(self, name: str) -> None:
        import obstore

        with _translated(name):
            try:
                obstore.delete(self.store, self.key(name))
            except FileNotFoundError:
                pass

    def head(self, name: str) -> StoredObject | None:
        import obstore

        with _translated(name):
            try:
                meta = obstore.head(self.store, self.key(name))
            except FileNotFoundError:
                return None
        return StoredObject(name, meta["size"], meta["last_modified"])

    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        import obstore

        strip = len(self.settings.prefix)
        with _translated(prefix):
            for batch in obstore.list(self.store, prefix=self.settings.prefix + prefix):
                for meta in batch:
                    yield StoredObject(meta["path"][strip:], meta["size"], meta["last_modified"])

    def url(self, name: str) -> str | None:
        return public_url(self.public_base, name)

    async def open_async(self, name: str, *, prefetch: bool = True) -> Opened | None:
        import obstore

        key = self.key(name)
        whole = None  # the GET of the whole object, when prefetched: one round trip for the common case
        with _translated(name):
            try:
                if prefetch:
                    whole = await obstore.get_async(self.store, key)
                    meta = whole.meta
                else:
                    meta = await obstore.head_async(self.store, key)
            except FileNotFoundError:
                return None
        size = meta["size"]

        async def read(start: int, end: int) -> AsyncIterator[bytes]:
            nonlocal whole
            if start >= end:
                return  # S3 refuses an empty range; there is nothing to fetch anyway
            with _translated(name):
                if whole is not None and (start, end) == (0, size):
                    result, whole = whole, None
                else:
                    # Only the span travels from the bucket: seeking in a video costs what it shows.
                    result = await obstore.get_async(self.store, key, options={"range": (start, end)})
                async for chunk in result.stream(min_chunk_size=STREAM_CHUNK):
                    yield bytes(chunk)

        return Opened(size=size, read=read, etag=meta.get("e_tag") or "", modified=meta["last_modified"])

    async def exists_async(self, name: str) -> bool:
        import obstore

        with _translated(name):
            try:
                await obstore.head_async(self.store, self.key(name))
            except FileNotFoundError:
                return False
        return True


class _translated:
    """Turns obstore's errors into FileNotFoundError (no such object) or StorageError (the store failed)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:
        if exc is None or isinstance(exc, (FileNotFoundError, StorageError)) or not isinstance(exc, Exception):
            return False
        from obstore.exceptions import BaseError

        if isinstance(exc, BaseError):
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StorageError(f"object storage failed for {self.name}: {first}") from exc
        return False


@dataclass(frozen=True)
class Licensed:
    """A storage whose puts carry one licence's headers (and each object's own type and caching)."""

    storage: Storage
    licence_headers: Mapping[str, str]

    def put(self, name: str, data: bytes, headers: Mapping[str, str] | None = None) -> None:
        from fediart.media.object_headers import MANIFEST, object_headers

        extra = dict(headers or {})
        signed = extra.pop(MANIFEST, "") == "yes"
        self.storage.put(name, data, {**object_headers(name, self.licence_headers, manifest=signed), **extra})

    def get(self, name: str) -> bytes:
        return self.storage.get(name)

    def read_prefix(self, name: str, length: int) -> bytes:
        return self.storage.read_prefix(name, length)

    def delete(self, name: str) -> None:
        self.storage.delete(name)

    def head(self, name: str) -> StoredObject | None:
        return self.storage.head(name)

    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        return self.storage.list(prefix)

    def url(self, name: str) -> str | None:
        return self.storage.url(name)

    async def open_async(self, name: str, *, prefetch: bool = True) -> Opened | None:
        return await self.storage.open_async(name, prefetch=prefetch)

    async def exists_async(self, name: str) -> bool:
        return await self.storage.exists_async(name)


def make_storage(config: Config, backend: str | None = None) -> Storage:
    """The configured backend, or the one named (`fediart media migrate --to`)."""
    settings = config.storage
    chosen = backend or settings.backend
    if chosen == StorageBackend.S3:
        if not settings.bucket:
            raise ConfigError(f"{config.path}: [storage] bucket is missing (needed for the s3 backend)")
        return S3Storage(settings, public_base(config) if chosen == settings.backend else "")
    return LocalStorage(Path(config.media.dir), public_base(config) if chosen == settings.backend else "")
